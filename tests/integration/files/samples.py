"""Sample documents built in the tests: DOCX by hand with zipfile, XLSX, images."""

import io
import struct
import zipfile

import openpyxl
from PIL import Image

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def document_xml(text):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
        '2006/main"><w:body><w:p><w:r><w:t>'
        f"{text}</w:t></w:r></w:p></w:body></w:document>"
    )


def docx(text="Đơn đề nghị cấp giấy phép", body=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", body or document_xml(text))
    return buf.getvalue()


def corrupt_docx():
    """A zip that looks like a DOCX whose document part is not XML at all."""
    return docx(body="\x00\x01 this is not xml <w:document <<<" * 50)


def zip_bomb_docx(megabytes=150):
    """A DOCX whose parts expand to far more than the limit (zeros compress ~1000x)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document_xml("bom"))
        with z.open("word/media/pad.bin", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
    return buf.getvalue()


def xlsx(value="Bảng kê"):
    wb = openpyxl.Workbook()
    wb.active["A1"] = value
    wb.active["B1"] = 42
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def image(fmt, mode="RGB"):
    img = Image.new(mode, (320, 200), (30, 120, 200) if mode == "RGB" else None)
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def text(content="Xin chào, đây là tệp văn bản tiếng Việt.\n"):
    return content.encode("utf-8")


def rtf():
    return rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} \f0 Hello portal \par}"


def pdf():
    import img2pdf

    return img2pdf.convert(image("JPEG"))


FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name, kind, child=NOSTREAM, right=NOSTREAM, start=END, size=0):
    raw = name.encode("utf-16-le") + b"\0\0"
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBB", len(raw), kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\0" * 16
        + b"\0" * 4
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )


def encrypted_ooxml(info=b"\x04\x00\x04\x00\x40\x00\x00\x00", package=b"\0" * 16):
    """A Compound File holding EncryptionInfo + EncryptedPackage (how Office saves a
    password-protected DOCX/XLSX); the streams are padded to 4096 bytes so no mini
    stream is needed."""
    info, package = info.ljust(4096, b"\0"), package.ljust(4096, b"\0")
    fat = [FATSECT, END] + list(range(3, 10)) + [END] + list(range(11, 18)) + [END]
    fat += [FREE] * (128 - len(fat))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    directory = (
        _entry("Root Entry", 5, child=1)
        + _entry("EncryptionInfo", 2, right=2, start=2, size=len(info))
        + _entry("EncryptedPackage", 2, start=10, size=len(package))
        + b"\0" * 128
    )
    return header + struct.pack("<128I", *fat) + directory + info + package


SAMPLES = {
    "docx": ("Đơn đề nghị.docx", docx),
    "xlsx": ("Bảng kê.xlsx", xlsx),
    "txt": ("ghi chú.txt", text),
    "rtf": ("thu.rtf", rtf),
    "jpeg": ("ảnh CCCD.jpg", lambda: image("JPEG")),
    "png": ("scan.png", lambda: image("PNG", "RGBA")),
    "tiff": ("scan.tiff", lambda: image("TIFF")),
}
