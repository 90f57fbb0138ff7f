"""ML Factory fitting workers: driven by the TypeScript pool over ZeroMQ with Arrow IPC frames."""

__version__ = "0.1.0"
