"""The embedded demo: SQLite under var/, debug pages, the demo district."""

from config.django.base import *  # noqa: F403

DEBUG = True
MINZHENG_DEMO = True
