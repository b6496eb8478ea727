"""Writes test images the corpus lacks into the directory given as argument:

palette8.dcm: 8-bit pixels through pydicom's Hot Iron palette (256 entries of 8 bits, packed in OW).
palette16.dcm: 16-bit pixels (12 stored) through a 16-bit palette of 4096 entries whose first mapped value is 100.
enhanced.dcm: a two-frame Enhanced CT image whose rescale and windows live only in functional groups: rescale and a
window shared, frame 1 overriding the window, frame 2 overriding it with LINEAR_EXACT.
mlut.dcm: 12-bit pixels through a Modality LUT Sequence (4096 16-bit entries, US) that rescale values must not
override, then the data set's window.
mlut_signed.dcm: signed pixels through a Modality LUT of 2048 16-bit entries (OW) whose first mapped value is -1024
(SS), no window.
vlut.dcm: MONOCHROME1, rescale, then a VOI LUT Sequence of 65536 entries (descriptor 0) preferred to the window.
vlut8.dcm: signed 8-bit pixels through a VOI LUT of 256 8-bit entries (US, one per word) from -128.
sigmoid.dcm: the data set's window with VOI LUT Function SIGMOID.
segmented8.dcm: 8-bit pixels through pydicom's "fall" palette, segmented (discrete and linear segments of bytes).
segmented16.dcm: 12-bit pixels through segmented 16-bit palettes with discrete, linear and indirect segments.
be8.dcm: two 7x5 frames of 8-bit MONOCHROME2 in Explicit VR Big Endian as OW, the second frame starting mid-word.
be8_rgb.dcm: 8-bit RGB in Explicit VR Big Endian as OW, odd width.
hostile_*.dcm: broken LUTs, which must be refused with a reason: a Modality LUT Descriptor declaring more entries than
its data holds, an empty VOI LUT Data, a segmented palette with an unknown segment type, one whose discrete segment
runs past its data, one whose indirect segment copies itself.
"""
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, generate_uid

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def save(ds, name, syntax=ExplicitVRLittleEndian):
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = syntax
    ds.is_little_endian, ds.is_implicit_VR = syntax == ExplicitVRLittleEndian, False
    ds.save_as(os.path.join(sys.argv[1], name), write_like_original=False)


def image(rows, columns, bits_stored, pixels, descriptor, red, green, blue, name, seed):
    ds = Dataset()
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[name, seed])
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["palette study", seed])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["palette series", seed])
    ds.PatientName = "Palette^Test"
    ds.PatientID = "PAL-1"
    ds.Modality = "OT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.Rows, ds.Columns = rows, columns
    ds.BitsAllocated = 8 if bits_stored <= 8 else 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 0
    for color, data in (("Red", red), ("Green", green), ("Blue", blue)):
        setattr(ds, f"{color}PaletteColorLookupTableDescriptor", descriptor)
        ds[f"{color}PaletteColorLookupTableData"] = pydicom.DataElement(
            pydicom.datadict.tag_for_keyword(f"{color}PaletteColorLookupTableData"), "OW", data)
    ds.PixelData = pixels.tobytes()
    save(ds, name)


def item(**attributes):
    result = Dataset()
    for keyword, value in attributes.items():
        setattr(result, keyword, value)
    return result


def enhanced():
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    ds.SOPInstanceUID = generate_uid(entropy_srcs=["enhanced instance"])
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["enhanced study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["enhanced series"])
    ds.PatientName = "O'Brien^Enhanced"
    ds.PatientID = "ENH-1"
    ds.Modality = "CT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = 2
    ds.Rows, ds.Columns = 32, 48
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.SharedFunctionalGroupsSequence = Sequence([item(
        PixelValueTransformationSequence=Sequence([item(RescaleSlope="2", RescaleIntercept="-1024", RescaleType="HU")]),
        FrameVOILUTSequence=Sequence([item(WindowCenter="0", WindowWidth="4000")]))])
    ds.PerFrameFunctionalGroupsSequence = Sequence([
        item(FrameVOILUTSequence=Sequence([item(WindowCenter="40", WindowWidth="400")])),
        item(FrameVOILUTSequence=Sequence([item(WindowCenter="300", WindowWidth="1500", VOILUTFunction="LINEAR_EXACT")])),
    ])
    y, x = np.mgrid[0:32, 0:48]
    frames = np.stack([(x * 20 + y * 7) % 1200, (x * 13 + y * 31) % 1500]).astype("<i2")
    ds.PixelData = frames.tobytes()
    save(ds, "enhanced.dcm")


def grey(name, rows, columns, pixels, signed, photometric="MONOCHROME2", **attributes):
    ds = Dataset()
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[name, "instance"])
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[name, "study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=[name, "series"])
    ds.PatientName = "Lut^Test"
    ds.PatientID = "LUT-1"
    ds.Modality = "OT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows, ds.Columns = rows, columns
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = ds.BitsAllocated
    ds.HighBit = ds.BitsAllocated - 1
    ds.PixelRepresentation = 1 if signed else 0
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    ds.PixelData = pixels.astype(pixels.dtype.newbyteorder("<")).tobytes()
    return ds


def lut_item(descriptor_vr, descriptor, data_vr, data):
    result = Dataset()
    result.add_new(0x00283002, descriptor_vr, descriptor)
    result.add_new(0x00283006, data_vr, data)
    return result


def luts():
    y, x = np.mgrid[0:40, 0:64]
    stored = ((x * 60 + y * 7) % 4096).astype(np.uint16)
    curve = (np.sqrt(np.arange(4096) / 4095.0) * 3000).astype(np.uint16)
    ds = grey("mlut.dcm", 40, 64, stored, False, WindowCenter="1500", WindowWidth="2000", RescaleSlope="3", RescaleIntercept="-100")
    ds.BitsStored, ds.HighBit = 12, 11
    ds.ModalityLUTSequence = Sequence([lut_item("US", [4096, 0, 16], "US", [int(v) for v in curve])])
    save(ds, "mlut.dcm")

    signed = (((x * 31 + y * 17) % 2000) - 1000).astype(np.int16)
    table = ((np.arange(2048) % 700) * 5).astype("<u2")
    ds = grey("mlut_signed.dcm", 40, 64, signed, True)
    ds.ModalityLUTSequence = Sequence([lut_item("SS", [2048, -1024, 16], "OW", table.tobytes())])
    save(ds, "mlut_signed.dcm")

    ramp = np.arange(65536, dtype=np.float64)
    gamma = (65535 * (ramp / 65535) ** 0.5).astype("<u2")
    ds = grey("vlut.dcm", 40, 64, ((x * 63 + y * 5) % 4000).astype(np.uint16), False, "MONOCHROME1",
              RescaleSlope="1", RescaleIntercept="-1024", WindowCenter="40", WindowWidth="400")
    ds.VOILUTSequence = Sequence([lut_item("US", [0, 0, 16], "OW", gamma.tobytes())])
    save(ds, "vlut.dcm")

    table8 = [int(v) for v in (255 * (np.arange(256) / 255.0) ** 2)]
    ds = grey("vlut8.dcm", 40, 64, (((x * 4 + y) % 256) - 128).astype(np.int8), True)
    ds.VOILUTSequence = Sequence([lut_item("SS", [256, -128, 8], "US", table8)])
    save(ds, "vlut8.dcm")

    ds = grey("sigmoid.dcm", 40, 64, ((x * 60 + y * 7) % 4096).astype(np.uint16), False,
              WindowCenter="2000", WindowWidth="1500", VOILUTFunction="SIGMOID")
    save(ds, "sigmoid.dcm")


def segmented():
    y, x = np.mgrid[0:64, 0:96]
    fall = pydicom.dcmread(os.path.join(os.path.dirname(pydicom.__file__), "data", "palettes", "fall.dcm"))
    ds = grey("segmented8.dcm", 64, 96, ((x * 2 + y) % 256).astype(np.uint8), False, "PALETTE COLOR")
    for color in ("Red", "Green", "Blue"):
        setattr(ds, f"{color}PaletteColorLookupTableDescriptor", [256, 0, 8])
        ds.add_new(pydicom.datadict.tag_for_keyword(f"Segmented{color}PaletteColorLookupTableData"), "OW",
                   fall[f"Segmented{color}PaletteColorLookupTableData"].value)
    save(ds, "segmented8.dcm")

    red = [0, 1, 0, 1, 2047, 65535, 1, 2048, 0]
    green = [0, 2, 0, 1000, 1, 1022, 30000, 2, 2, 0, 0, 1, 2048, 65535]
    blue = [0, 16] + [i * 4000 for i in range(16)] + [1, 4080, 5000]
    ds = grey("segmented16.dcm", 64, 96, ((x * 40 + y * 3) % 4096).astype(np.uint16), False, "PALETTE COLOR")
    ds.BitsStored, ds.HighBit = 12, 11
    for color, words in (("Red", red), ("Green", green), ("Blue", blue)):
        setattr(ds, f"{color}PaletteColorLookupTableDescriptor", [4096, 0, 16])
        ds.add_new(pydicom.datadict.tag_for_keyword(f"Segmented{color}PaletteColorLookupTableData"), "OW",
                   np.array(words, dtype="<u2").tobytes())
    save(ds, "segmented16.dcm")


def big_endian_bytes():
    frames = (np.arange(2 * 5 * 7).reshape(2, 5, 7) * 7 % 256).astype(np.uint8)
    ds = grey("be8.dcm", 5, 7, frames, False, NumberOfFrames=2)
    rgb = (np.arange(6 * 9 * 3).reshape(6, 9, 3) * 11 % 256).astype(np.uint8)
    ds_rgb = grey("be8_rgb.dcm", 6, 9, rgb, False, "RGB", SamplesPerPixel=3, PlanarConfiguration=0)
    for item, name in ((ds, "be8.dcm"), (ds_rgb, "be8_rgb.dcm")):
        data = item.PixelData + b"\0" * (len(item.PixelData) % 2)
        # OW in big endian is 16-bit words: each pair of 8-bit samples is stored swapped.
        item.PixelData = np.frombuffer(data, dtype="<u2").astype(">u2").tobytes()
        item["PixelData"].VR = "OW"
        save(item, name, ExplicitVRBigEndian)


def hostile():
    y, x = np.mgrid[0:8, 0:8]
    stored = (x * 8 + y).astype(np.uint16)
    ds = grey("hostile_mlut.dcm", 8, 8, stored, False)
    ds.ModalityLUTSequence = Sequence([lut_item("US", [4096, 0, 16], "US", list(range(100)))])
    save(ds, "hostile_mlut.dcm")
    ds = grey("hostile_vlut.dcm", 8, 8, stored, False)
    ds.VOILUTSequence = Sequence([lut_item("US", [0, 0, 16], "OW", b"")])
    save(ds, "hostile_vlut.dcm")
    for name, words in (("hostile_opcode.dcm", [0, 1, 0, 7, 2, 0]), ("hostile_length.dcm", [0, 200, 1, 2, 3]),
                        ("hostile_indirect.dcm", [0, 1, 0, 2, 1, 3, 0])):
        ds = grey(name, 8, 8, stored, False, "PALETTE COLOR")
        for color in ("Red", "Green", "Blue"):
            setattr(ds, f"{color}PaletteColorLookupTableDescriptor", [256, 0, 16])
            ds.add_new(pydicom.datadict.tag_for_keyword(f"Segmented{color}PaletteColorLookupTableData"), "OW",
                       np.array(words, dtype="<u2").tobytes())
        save(ds, name)


y, x = np.mgrid[0:64, 0:96]
hot = pydicom.dcmread(os.path.join(os.path.dirname(pydicom.__file__), "data", "palettes", "hotiron.dcm"))
image(64, 96, 8, ((x * 2 + y) % 256).astype(np.uint8), [256, 0, 8],
      hot.RedPaletteColorLookupTableData, hot.GreenPaletteColorLookupTableData, hot.BluePaletteColorLookupTableData,
      "palette8.dcm", "8")
ramp = np.arange(4096, dtype=np.uint32)
image(64, 96, 12, ((x * 40 + y * 3) % 4096).astype(np.uint16), [4096, 100, 16],
      (ramp * 16).astype("<u2").tobytes(), ((4095 - ramp) * 16).astype("<u2").tobytes(), ((ramp * 37) % 65536).astype("<u2").tobytes(),
      "palette16.dcm", "16")
enhanced()
luts()
segmented()
big_endian_bytes()
hostile()
