"""The site's production settings plus the bench's ceiling views, served through the site's own
middleware (the bench's diagnostic ceiling). Only the bench uses this module; production never does."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.project_urls"
