"""Independent oracle for the STOW corpus tests: for every file, whether an archive must store it, and what it stores.

Prints one JSON object per line: {"path", "sop", "study", "series", "sop_class", "patient_name", "patient_id",
"study_description", "modality", "study_date", "stored", "reason", "warning", "stored_sha256", "stored_size"}, plus
"pixel_offset" (offset of the Pixel Data value in the stored file), "frames" and "transfer_syntax" when there is Pixel
Data.

A file must be stored when it is DICOM that the reference toolkits read and its UIDs can serve as keys:
- a Part 10 file (preamble + DICM) that pydicom reads, every element parsing and no value cut short by the end of
  the file (pydicom reads such values silently, so their declared lengths are checked here);
- or a bare data set (no preamble, no meta group), as Orthanc 1.10 stores over STOW-RS, that dcmdump reads and
  pydicom reads with force=True;
- and SOP Class, SOP Instance, Study and Series Instance UIDs present, at most 64 characters of digits and dots
  without empty components (leading zeros in components are tolerated: the UID still names one instance).

The data set is authoritative. When the meta group is missing or disagrees with it (Media Storage SOP Class or
Instance UID, no Transfer Syntax UID, no preamble), the stored file is a zero preamble, DICM and a corrected meta
group, built here with pydicom's meta writer, followed by the data set bytes as sent; "warning" is 0xB000. A stored
file with UID components with leading zeros and nothing corrected has warning 0xB007. Otherwise the stored file is
the file as sent with its preamble zeroed.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import warnings

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import FileMetaDataset
from pydicom.filebase import DicomBytesIO
from pydicom.filereader import _read_file_meta_info, read_preamble
from pydicom.filewriter import write_file_meta_info

warnings.simplefilter("ignore")
# Nested values cut short, which pydicom reads without complaint and the top-level check below cannot see.
CUT_SHORT = {
    "DICOMDIR-nooffset": "the last directory record item runs 16 bytes past the end of the file",
}

# The archive's Implementation Class UID and Version Name, written when the meta group named no implementation.
IMPLEMENTATION_CLASS_UID = "2.25.33479180843027783333853898608517537015"
IMPLEMENTATION_VERSION_NAME = "DICOMWEBARCHIVE1"

KEY = re.compile(r"^[0-9]+(\.[0-9]+)*$")
VALID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")


def key_uid(value):
    return isinstance(value, str) and 0 < len(value) <= 64 and KEY.match(value) is not None


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


def dataset_offset(path):
    """Where the data set starts: after the preamble and meta group, if any."""
    with open(path, "rb") as f:
        read_preamble(f, True)
        _read_file_meta_info(f)
        return f.tell()


def detected_syntax(ds):
    if ds.is_implicit_VR:
        return "1.2.840.10008.1.2"
    return "1.2.840.10008.1.2.1" if ds.is_little_endian else "1.2.840.10008.1.2.2"


def corrected_header(ds, meta, syntax):
    new = FileMetaDataset()
    new.FileMetaInformationGroupLength = 0  # recomputed by the writer
    for element in meta:
        if element.tag.group == 0x0002 and element.tag.element != 0:
            new.add(element)
    if "FileMetaInformationVersion" not in new:
        new.FileMetaInformationVersion = b"\x00\x01"
    new.MediaStorageSOPClassUID = str(ds.SOPClassUID)
    new.MediaStorageSOPInstanceUID = str(ds.SOPInstanceUID)
    new.TransferSyntaxUID = syntax
    if "ImplementationClassUID" not in new:
        new.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
        new.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    buffer = DicomBytesIO()
    buffer.is_little_endian = True
    buffer.is_implicit_VR = False
    write_file_meta_info(buffer, new, enforce_standard=False)
    return b"\0" * 128 + b"DICM" + buffer.getvalue()


def corrections(ds, meta, part10, syntax):
    """Why the meta group must be rebuilt; empty when the file is stored as sent."""
    found = []
    if not part10 or len(meta) == 0:
        return ["no meta group"]
    if str(meta.get("MediaStorageSOPClassUID", "")) != str(ds.SOPClassUID):
        found.append("meta SOP class differs")
    if str(meta.get("MediaStorageSOPInstanceUID", "")) != str(ds.SOPInstanceUID):
        found.append("meta SOP instance differs")
    if not str(meta.get("TransferSyntaxUID", "")):
        found.append("meta has no transfer syntax")
    return found


def outcome(path):
    if os.path.basename(path) in CUT_SHORT:
        return {}, False, "unreadable: " + CUT_SHORT[os.path.basename(path)]
    try:
        with open(path, "rb") as f:
            raw = f.read()
        part10 = len(raw) >= 132 and raw[128:132] == b"DICM"
        if not part10 and subprocess.run(["dcmdump", "-q", path], capture_output=True).returncode != 0:
            return {}, False, "not DICOM: neither Part 10 nor a data set dcmdump reads"
        ds = pydicom.dcmread(path, defer_size=None, force=not part10)
        pixels = {}
        for tag in list(ds.keys()):
            element = ds.get_item(tag)
            if tag == 0x7FE00010 and isinstance(element, RawDataElement):
                pixels = {"pixel_offset": element.value_tell, "frames": frame_count(ds)}
            if isinstance(element, RawDataElement) and element.length != 0xFFFFFFFF and element.value is not None and len(element.value) != element.length:
                return ids(ds), False, f"unreadable: {tag} is cut short by the end of the file"
        for element in ds.iterall():
            _ = element.value
        if ds.get("PixelData") is not None:
            _ = len(ds.PixelData)
    except Exception as exc:  # noqa: BLE001 - anything pydicom cannot read must be refused
        return {}, False, f"unreadable: {type(exc).__name__}: {exc}"[:200]
    found = ids(ds)
    for keyword in ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        if not key_uid(str(ds.get(keyword, ""))):
            return found, False, f"{keyword} missing or not usable as a key"

    meta = ds.file_meta if part10 else FileMetaDataset()
    syntax = str(meta.get("TransferSyntaxUID", "")) or detected_syntax(ds)
    corrected = corrections(ds, meta, part10, syntax)
    if corrected:
        offset = dataset_offset(path)
        stored = corrected_header(ds, meta, syntax) + raw[offset:]
        shift = 0 if syntax == "1.2.840.10008.1.2.1.99" else len(stored) - len(raw)
        warning = 0xB000
    else:
        stored = b"\0" * 128 + raw[128:]
        shift = 0
        leading_zeros = any(not VALID.match(str(ds.get(k))) for k in ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"))
        warning = 0xB007 if leading_zeros else None
    if pixels:
        pixels = {**pixels, "pixel_offset": pixels["pixel_offset"] + shift, "transfer_syntax": syntax}
    reason = "ok" + "".join("; " + c for c in corrected)
    return {**found, **pixels, "warning": warning, "stored_sha256": hashlib.sha256(stored).hexdigest(), "stored_size": len(stored)}, True, reason


for root in sys.argv[1:]:
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(directory, name)
            found, stored, reason = outcome(path)
            print(json.dumps({"path": path, **found, "stored": stored, "reason": reason}))
