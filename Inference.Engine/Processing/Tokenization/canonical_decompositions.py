"""Writes CanonicalDecompositions.txt: Unicode's canonical decompositions (NFD, Hangul syllables excepted, which are
decomposed by formula) and canonical combining classes, for BERT's accent stripping where .NET has no normalization
(globalization-invariant mode). Run with the Python whose unicodedata version is wanted:

    python3 canonical_decompositions.py > CanonicalDecompositions.txt
"""
import sys
import unicodedata

print(f"# Unicode {unicodedata.unidata_version}: 'd <code point> <NFD code points...>' and 'c <code point> <combining class>'")
for code in range(sys.maxunicode + 1):
    if 0xAC00 <= code <= 0xD7A3 or 0xD800 <= code <= 0xDFFF:
        continue
    char = chr(code)
    decomposed = unicodedata.normalize("NFD", char)
    if decomposed != char:
        print("d", f"{code:X}", " ".join(f"{ord(part):X}" for part in decomposed))
    if unicodedata.combining(char):
        print("c", f"{code:X}", unicodedata.combining(char))
