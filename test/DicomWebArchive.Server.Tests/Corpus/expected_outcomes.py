"""Independent oracle for the STOW corpus tests: for every file, whether a Part 10 archive must accept it.

Prints one JSON object per line: {"path", "sop", "study", "series", "sop_class", "patient_name", "patient_id",
"study_description", "modality", "study_date", "stored", "reason"}, plus
"pixel_offset" (file offset of the Pixel Data value), "frames" and "transfer_syntax" when there is Pixel Data. A file must be
stored when pydicom reads it as Part 10 (preamble + meta), every element parses, no value is cut short by the end of
the file (pydicom reads such values silently, so their declared lengths are checked here), and the UIDs that name
the instance are present, valid and agree with the meta group.
"""
import json
import warnings
import os
import re
import sys

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.errors import InvalidDicomError

warnings.simplefilter("ignore")
# Nested values cut short, which pydicom reads without complaint and the top-level check below cannot see.
CUT_SHORT = {
    "DICOMDIR-nooffset": "the last directory record item runs 16 bytes past the end of the file",
}

UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")


def valid_uid(value):
    return isinstance(value, str) and 0 < len(value) <= 64 and UID.match(value) is not None


def frame_count(ds):
    try:
        return int(ds.get("NumberOfFrames", 1) or 1)
    except ValueError:
        return None


def ids(ds):
    found = {k: (str(ds.get(v)) if ds.get(v) is not None else None)
             for k, v in (("sop", "SOPInstanceUID"), ("study", "StudyInstanceUID"), ("series", "SeriesInstanceUID"), ("sop_class", "SOPClassUID"))}
    # Decoded per Specific Character Set by pydicom; absent or empty values are null, as the index stores them.
    for key, keyword in (("patient_name", "PatientName"), ("patient_id", "PatientID"), ("study_description", "StudyDescription"),
                         ("modality", "Modality"), ("study_date", "StudyDate")):
        try:
            value = ds.get(keyword)
            found[key] = str(value) if value not in (None, "") else None
        except Exception:  # noqa: BLE001 - undecodable values are left out of the comparison
            found[key] = None
    return found


def outcome(path):
    if os.path.basename(path) in CUT_SHORT:
        return {}, False, "unreadable: " + CUT_SHORT[os.path.basename(path)]
    try:
        with open(path, "rb") as f:
            head = f.read(132)
        if len(head) < 132 or head[128:132] != b"DICM":
            return {}, False, "not Part 10"
        ds = pydicom.dcmread(path, defer_size=None)
        pixels = {}
        for tag in list(ds.keys()):
            raw = ds.get_item(tag)
            if tag == 0x7FE00010 and isinstance(raw, RawDataElement):
                pixels = {"pixel_offset": raw.value_tell, "frames": frame_count(ds),
                          "transfer_syntax": str(ds.file_meta.get("TransferSyntaxUID", ""))}
            if isinstance(raw, RawDataElement) and raw.length != 0xFFFFFFFF and raw.value is not None and len(raw.value) != raw.length:
                return ids(ds), False, f"unreadable: {tag} is cut short by the end of the file"
        for elem in ds.iterall():
            _ = elem.value
        if ds.get("PixelData") is not None:
            _ = len(ds.PixelData)
    except Exception as exc:  # noqa: BLE001 - anything pydicom cannot read must be refused
        return {}, False, f"unreadable: {type(exc).__name__}: {exc}"[:200]
    sop = {**ids(ds), **pixels}
    meta = ds.file_meta
    for keyword in ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        if not valid_uid(str(ds.get(keyword, ""))):
            return sop, False, f"{keyword} missing or invalid"
    if str(meta.get("MediaStorageSOPClassUID", "")) != str(ds.SOPClassUID):
        return sop, False, "meta SOP class differs"
    if str(meta.get("MediaStorageSOPInstanceUID", "")) != str(ds.SOPInstanceUID):
        return sop, False, "meta SOP instance differs"
    return sop, True, "ok"


for root in sys.argv[1:]:
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(directory, name)
            found, stored, reason = outcome(path)
            print(json.dumps({"path": path, **found, "stored": stored, "reason": reason}))
