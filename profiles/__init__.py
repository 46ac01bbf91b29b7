"""Document profiles (plug-ins): what is true of one kind of document only.

Each profile is registered under the ``recept.profiles`` entry point in pyproject.toml; the core
finds it there (``recept.profiles.installed_profiles``) and never imports it by name.
"""
