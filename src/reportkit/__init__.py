"""reportkit: reproducible annual reports on serious incident notifications."""

__version__ = "0.1.0"
