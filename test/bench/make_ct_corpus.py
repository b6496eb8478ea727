"""Writes a deterministic synthetic CT corpus: N instances of 512x512 16-bit, distinct UIDs, realistic names.

usage: make_ct_corpus.py OUT_DIR COUNT
"""
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

ROOT = "1.2.826.0.1.3680043.10.1137"
CT = "1.2.840.10008.5.1.4.1.1.2"
NAMES = ["O'Connor^Zoë", "Müller^Jürgen", "Smith^John^^Dr", "Dubois^Hélène", "Nguyễn^Văn An", "García Márquez^José",
         "Ødegaard^Åse", "Kowalski^Łukasz", "Brown^Mary-Jane", "Svensson^Björn"]
PER_STUDY = 100

out, count = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
for i in range(count):
    path = os.path.join(out, f"ct{i:05d}.dcm")
    if os.path.exists(path):
        continue
    study, number = divmod(i, PER_STUDY)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT
    meta.MediaStorageSOPInstanceUID = f"{ROOT}.3.{study + 1}.{number + 1}"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = f"{ROOT}.9"
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = CT
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyDate = f"2024{(study % 12) + 1:02d}{(study % 28) + 1:02d}"
    ds.StudyTime = "101500"
    ds.AccessionNumber = f"ACC{study + 1:06d}"
    ds.Modality = "CT"
    ds.ReferringPhysicianName = "House^Gregory"
    ds.StudyDescription = "CT CHEST W/O CONTRAST"
    ds.SeriesDescription = "AXIAL 1.25mm"
    ds.PatientName = NAMES[study % len(NAMES)]
    ds.PatientID = f"PID{study + 1:05d}"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyInstanceUID = f"{ROOT}.1.{study + 1}"
    ds.SeriesInstanceUID = f"{ROOT}.2.{study + 1}"
    ds.StudyID = str(study + 1)
    ds.SeriesNumber = 1
    ds.InstanceNumber = number + 1
    ds.ImagePositionPatient = [0, 0, -1.25 * number]
    ds.SliceThickness = 1.25
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 512
    ds.Columns = 512
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.PixelData = np.random.default_rng(i).integers(0, 4096, (512, 512), dtype=np.uint16).tobytes()
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)
