"""Reference renderings for the rendered-resource tests, from pydicom's decoding and numpy.

Arguments: specs "path|frame|window" (frame 1-based; window "center,width[,function]" or empty).
Prints one JSON object per spec: {"width", "height", "channels", "pixels": base64 of rows x columns x channels bytes}.
The LUT steps follow PS3.3 C.11: Modality LUT (pydicom's apply_modality_lut for a Modality LUT Sequence, else rescale
slope/intercept), VOI (requested window, else pydicom's apply_voi_lut for a VOI LUT Sequence, preferred as pydicom
does, scaled from its entry bits to 8, else the data set's first WindowCenter/WindowWidth with its VOI LUT Function,
else the frame's min..max), values of enhanced multi-frame images taken from the functional groups, MONOCHROME1
inverted.
PALETTE COLOR through pydicom's apply_color_lut (16-bit entries keep their top 8 bits). Color: YBR converted to RGB, samples above 8 bits keep their top 8.
8-bit Pixel Data of VR OW in big endian is un-swapped first: pydicom 2.3 returns its bytes as stored, but OW is a run
of 16-bit words (PS3.5 §7.3), so samples come swapped in pairs (dcmtk's dcmconv agrees).
"""
import base64
import json
import sys
import warnings

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_color_lut, apply_modality_lut, apply_voi_lut, convert_color_space

warnings.simplefilter("ignore")


def first(value):
    if isinstance(value, pydicom.multival.MultiValue):
        value = value[0]
    return float(value)


def voi(x, center, width, function):
    if function == "SIGMOID":
        return 255.0 / (1.0 + np.exp(-4.0 * (x - center) / width))
    if function == "LINEAR_EXACT":
        y = ((x - center) / width + 0.5) * 255.0
        y = np.where(x <= center - width / 2, 0.0, y)
        return np.where(x > center + width / 2, 255.0, y)
    y = ((x - (center - 0.5)) / (width - 1) + 0.5) * 255.0 if width > 1 else np.zeros_like(x)
    y = np.where(x <= center - 0.5 - (width - 1) / 2, 0.0, y)
    return np.where(x > center - 0.5 + (width - 1) / 2, 255.0, y)


def frame_value(ds, frame, sequence, keyword):
    """A top-level value, overridden by the shared then the per-frame functional group (enhanced multi-frame)."""
    value = ds.get(keyword)
    groups = []
    if "SharedFunctionalGroupsSequence" in ds:
        groups.append(ds.SharedFunctionalGroupsSequence[0])
    if "PerFrameFunctionalGroupsSequence" in ds and len(ds.PerFrameFunctionalGroupsSequence) >= frame:
        groups.append(ds.PerFrameFunctionalGroupsSequence[frame - 1])
    for group in groups:
        if sequence in group and len(group[sequence].value) > 0 and keyword in group[sequence][0]:
            value = group[sequence][0][keyword].value
    return value


def render(path, frame, window):
    ds = pydicom.dcmread(path)
    if not ds.is_little_endian and ds.BitsAllocated == 8 and ds["PixelData"].VR == "OW":
        ds.PixelData = np.frombuffer(ds.PixelData, dtype=">u2").astype("<u2").tobytes()
    pixels = ds.pixel_array
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames > 1:
        pixels = pixels[frame - 1]
    photometric = ds.PhotometricInterpretation
    if photometric in ("MONOCHROME1", "MONOCHROME2"):
        slope = float(frame_value(ds, frame, "PixelValueTransformationSequence", "RescaleSlope") or 1)
        intercept = float(frame_value(ds, frame, "PixelValueTransformationSequence", "RescaleIntercept") or 0)
        center = frame_value(ds, frame, "FrameVOILUTSequence", "WindowCenter")
        width = frame_value(ds, frame, "FrameVOILUTSequence", "WindowWidth")
        if "ModalityLUTSequence" in ds:
            x = apply_modality_lut(pixels, ds).astype(np.float64)
        else:
            x = pixels.astype(np.float64) * slope + intercept
        if window:
            parts = window.split(",")
            center, width = float(parts[0]), float(parts[1])
            function = parts[2].upper().replace("-", "_") if len(parts) > 2 else "LINEAR"
            y = voi(x, center, width, function)
        elif "VOILUTSequence" in ds:
            bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
            y = apply_voi_lut(x, ds, prefer_lut=True).astype(np.float64) * 255.0 / (2 ** bits - 1)
        elif center is not None and width is not None:
            function = str(frame_value(ds, frame, "FrameVOILUTSequence", "VOILUTFunction") or "LINEAR").upper()
            y = voi(x, first(center), first(width), function)
        else:
            low, high = x.min(), x.max()
            y = (x - low) / (high - low) * 255.0 if high > low else np.zeros_like(x)
        y = np.clip(np.round(y), 0, 255).astype(np.uint8)
        if photometric == "MONOCHROME1":
            y = 255 - y
        channels = 1
    elif photometric == "PALETTE COLOR":
        rgb = apply_color_lut(pixels, ds)
        y = (rgb >> 8).astype(np.uint8) if rgb.dtype.itemsize > 1 else rgb.astype(np.uint8)
        channels = 3
    else:
        if photometric.startswith("YBR"):
            pixels = convert_color_space(pixels, "YBR_FULL", "RGB")
        bits = int(ds.BitsStored)
        y = (pixels.astype(np.uint64) >> max(0, bits - 8)).astype(np.uint8)
        channels = 3
    return {"width": int(ds.Columns), "height": int(ds.Rows), "channels": channels,
            "pixels": base64.b64encode(np.ascontiguousarray(y).tobytes()).decode("ascii")}


for spec in sys.argv[1:]:
    path, frame, window = spec.split("|")
    print(json.dumps(render(path, int(frame), window or None)))
