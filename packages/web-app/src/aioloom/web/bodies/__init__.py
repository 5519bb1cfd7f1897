"""Request and response bodies in the forms HTML sends: ``multipart/*`` and urlencoded.

The streaming multipart reader and writer, the part grammar and decoders,
Content-Disposition, and ``read_form`` (what ``request.post()`` parses). Pure
code over a small byte-stream protocol (``_stream.BodyStream``): it imports
nothing else of aioloom.web, so every other layer may use it.
"""

__all__: list[str] = []  # private layer: the public names are re-exported by aioloom.web
