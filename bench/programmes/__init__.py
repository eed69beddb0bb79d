"""The programs the benchmarks run in fresh processes, one module each: run by path
(``python bench/programmes/importer.py …``), each with its ``main()``."""
