"""``iplab import``: a tutorial (Markdown, a web page, reStructuredText, a shell script) ->
a scenario file.

The stages, in order, one module each:

- :mod:`iplab.importer.markdown`: a page read with markdown-it-py: title, headings,
  paragraphs, code blocks; :mod:`iplab.importer.html`: a web page read into the same parts
  (the standard library's HTML parser), :mod:`iplab.importer.rst`: reStructuredText
  (docutils), :mod:`iplab.importer.asciidoc` and :mod:`iplab.importer.notebook` (Jupyter:
  its ``!`` lines and ``%%bash`` cells), :mod:`iplab.importer.fetch` when a page is given by
  its address; each into the parts of :mod:`iplab.importer.parts`, which reads them in
  order (the title, prose as notes, code blocks to the reader);
- :mod:`iplab.importer.reader`: the lines of a code block or a script: prompts,
  continuations, comments, output under a command, the script's variables; shell syntax
  through :mod:`iplab.importer.shell` (tree-sitter-bash: statements, loops, ``bash -c``,
  here-documents) and :mod:`iplab.importer.arith` (bash's arithmetic and tests: ``$((...))``,
  counted loops), functions the input defines called where it calls them;
- each command line through the line grammar (:mod:`iplab.lineparse`, on
  :mod:`iplab.ipgrammar`): a typed op when its rendering is the very same line, else a raw
  step that keeps it verbatim (the grammar is in the core: a scenario's ``line:`` steps and
  the check of a user's templates read lines too);
- :mod:`iplab.importer.assembly`: commands with their titles, prose and output; setup and
  teardown; the scenario's YAML;
- :mod:`iplab.importer.convert`: the whole way (:func:`~iplab.importer.convert.import_text`),
  the scenario loaded back and rendered to prove the round trip, and the summary.

This package imports nothing by itself: the command line imports the stage it runs.
"""
