"""The native fan-out of live video (media_rtc/native/fanout.c), built if a C compiler is here.

Everything else about the package is in pyproject.toml. The extension is optional: if it cannot
be built, `pip install -e .` still succeeds and media_rtc forwards on its pure-Python path (and
says so in the log and in /readyz).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "media_rtc.native._fanout",
            sources=["media_rtc/native/fanout.c"],
            extra_compile_args=["-O2", "-std=c11", "-D_GNU_SOURCE", "-Wall"],
            optional=True,
        )
    ]
)
