"""maatstaf: explicit, versioned definitions of Dutch social-domain figures."""

__version__ = "0.1.0"
