"""Shuangsuiji (双随机): verifiable "双随机、一公开" joint regulatory inspections."""

__version__ = "0.1.0"
