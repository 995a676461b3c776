"""Sổ nhiệm vụ công khai: a register of promised tasks (tasks.yaml) compiled into a public website."""

__version__ = "0.1.0"
