"""jagtui: run a Community Safety Partnership Joint Action Group from the terminal."""

__version__ = "0.1.0"
