"""The release: ziglink's wheels for every host the ziglang package has wheels for, and the
sdist, built here with ziglink as the linker (`nox -s dist`) and checked (`nox -s dist-check`)."""
