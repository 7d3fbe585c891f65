"""A package so that everything imports the shared harness as `tests.harness` from the repository's
root (see tests/harness/__init__.py). tests/e2e and tests/python stay plain folders: pytest imports
their files by folder, which is how the e2e tests reach their conftest."""
