"""Static files as served in production: whitenoise's compressed files with hashed names.

The field officers' script is a set of ES modules served as they are (field/static/js/field/). An
`import ... from "./outbox.js";` in a module names its neighbour by its plain name; Django rewrites
it to the hashed name when told to (`support_js_module_import_aggregation`), so that a phone never
mixes a new module with an old neighbour and every module can be cached for good.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
