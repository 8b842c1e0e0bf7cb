"""Build hook for the optional C accelerator; all other metadata is in pyproject.toml.

``optional=True``: without a C compiler the build only warns and the draw engine uses its
pure-Python scan (identical output, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "shuangsuiji.drawengine._accel",
            sources=["shuangsuiji/drawengine/_accel.c"],
            depends=[
                "shuangsuiji/drawengine/_sha256.h",
                "shuangsuiji/drawengine/_sha256_ni.h",
                "shuangsuiji/drawengine/_ticket.h",
            ],
            optional=True,
        )
    ]
)
