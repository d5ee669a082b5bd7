"""The only code that talks to a Docker engine (the docker SDK): containers, images, mounts,
health, exec.

May use: core, proc.
"""
