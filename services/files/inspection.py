"""Look inside uploaded bytes: the real type (libmagic) and zip-bomb measures."""

import zipfile

import magic

from . import domain

HEAD = 8192


def sniff(fileobj, name):
    """Return (content type detected from the bytes, zip verdict input or None).

    For zip-based documents the second value is (uncompressed sizes, compressed size);
    it is None when the file is not a zip or its directory cannot be read.
    """
    fileobj.seek(0)
    detected = magic.from_buffer(fileobj.read(HEAD), mime=True)
    fileobj.seek(0)
    measures = None
    is_zip = detected in ("application/zip", "application/octet-stream") or (
        domain.extension(name) in domain.ZIP_BASED
    )
    if is_zip:
        try:
            with zipfile.ZipFile(fileobj) as archive:
                infos = archive.infolist()
                names = {i.filename for i in infos}
                mimetype = None
                if "mimetype" in names:
                    mimetype = archive.read("mimetype")[:100].decode("ascii", "ignore")
                detected = domain.refine_zip(detected, names, mimetype)
                measures = (
                    [i.file_size for i in infos],
                    sum(i.compress_size for i in infos),
                )
        except (zipfile.BadZipFile, OSError, ValueError):
            measures = None
    fileobj.seek(0)
    return detected, measures
