"""What pydicom makes of DICOM files, as JSON on stdout, for the reader tests to compare against.

usage: pydicom_oracle.py frames FILE...      -> {file: {"syntax": uid, "frames": [sha256 hex, ...]}}
       pydicom_oracle.py attributes FILE...  -> {file: [{"path": "0008103E", "vr": "LO", "text": hex | "numbers": [...]}, ...]}
"""
import hashlib
import json
import sys
import warnings

import pydicom
from pydicom.encaps import generate_pixel_data_frame

NUMERIC = {"US", "SS", "UL", "SL", "FL", "FD", "SV", "UV"}
TEXT = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}


def frames(path):
    ds = pydicom.dcmread(path)
    if "PixelData" not in ds:
        return None
    count = int(ds.get("NumberOfFrames", 1) or 1)
    data = ds.PixelData
    syntax = ds.file_meta.TransferSyntaxUID
    if syntax.is_compressed:
        parts = list(generate_pixel_data_frame(data, count))
    else:
        samples = ds.get("SamplesPerPixel", 1)
        if samples == 3 and ds.get("PhotometricInterpretation") in ("YBR_FULL_422", "YBR_PARTIAL_422"):
            samples = 2  # Y Y Cb Cr for each pair of pixels
        size = ds.Rows * ds.Columns * samples * ds.BitsAllocated // 8
        parts = [data[i * size:(i + 1) * size] for i in range(count)]
    return {"syntax": str(syntax), "frames": [hashlib.sha256(p).hexdigest() for p in parts]}


def attributes(dataset, prefix, out):
    for tag in sorted(dataset.keys()):
        raw = dataset.get_item(tag)
        element = dataset[tag]
        path = prefix + "%08X" % int(tag)
        entry = {"path": path, "vr": element.VR}
        if element.VR == "SQ":
            entry["items"] = len(element.value)
            out.append(entry)
            for index, item in enumerate(element.value):
                attributes(item, path + "/%d/" % index, out)
            continue
        if element.VR in TEXT and hasattr(raw, "value") and isinstance(raw.value, bytes):
            entry["text"] = raw.value.hex()
        elif element.VR in NUMERIC and element.value is not None and element.value != b"":
            value = element.value
            entry["numbers"] = [float(v) for v in value] if isinstance(value, (list, pydicom.multival.MultiValue)) else [float(value)]
        out.append(entry)


def main():
    warnings.simplefilter("ignore")
    command, files = sys.argv[1], sys.argv[2:]
    result = {}
    for path in files:
        if command == "frames":
            try:
                result[path] = frames(path)
            except Exception as error:  # reported, the test decides
                result[path] = {"error": repr(error)}
        else:
            out = []
            attributes(pydicom.dcmread(path), "", out)
            result[path] = out
    json.dump(result, sys.stdout)


main()
