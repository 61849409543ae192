"""``python -m kg …`` is the ``kg`` command (for a venv whose scripts are not on PATH)."""

from kg.cli import run

if __name__ == "__main__":
    run()
