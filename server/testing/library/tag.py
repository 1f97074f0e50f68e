#!/usr/bin/python3
"""Writes, rewrites and strips tags with mutagen (what beets and Picard use), in place.

Reads a JSON list of operations on stdin, one per file:
  {"path": ..., "tags": {title, artist, album, albumartist, genre, date, tracknumber, tracktotal,
   discnumber, bpm, key, comment, label, isrc, composer, grouping, remixer, compilation},
   "cover": "/path/cover.jpg" | null, "strip": bool, "id3": "v23"|"v24", "id3v1": bool,
   "padding": int}
Only metadata is touched; audio frames stay byte-identical.
"""
import json
import sys

import mutagen
from mutagen.id3 import (APIC, COMM, ID3, TALB, TBPM, TCMP, TCOM, TCON, TDRC, TIT1, TIT2, TKEY, TPE1,
                         TPE2, TPE4, TPOS, TPUB, TRCK, TSRC, ID3NoHeaderError)

ID3_FRAMES = {'title': TIT2, 'artist': TPE1, 'album': TALB, 'albumartist': TPE2, 'genre': TCON, 'date': TDRC,
              'bpm': TBPM, 'key': TKEY, 'label': TPUB, 'isrc': TSRC, 'composer': TCOM, 'grouping': TIT1,
              'remixer': TPE4}
VORBIS = {'title': 'TITLE', 'artist': 'ARTIST', 'album': 'ALBUM', 'albumartist': 'ALBUMARTIST', 'genre': 'GENRE',
          'date': 'DATE', 'bpm': 'BPM', 'key': 'INITIALKEY', 'comment': 'COMMENT', 'label': 'LABEL', 'isrc': 'ISRC',
          'composer': 'COMPOSER', 'grouping': 'GROUPING', 'remixer': 'REMIXER', 'tracknumber': 'TRACKNUMBER',
          'tracktotal': 'TRACKTOTAL', 'discnumber': 'DISCNUMBER', 'compilation': 'COMPILATION'}
APE = {'title': 'Title', 'artist': 'Artist', 'album': 'Album', 'albumartist': 'Album Artist', 'genre': 'Genre',
       'date': 'Year', 'bpm': 'BPM', 'key': 'Key', 'comment': 'Comment', 'label': 'Label', 'isrc': 'ISRC',
       'composer': 'Composer', 'grouping': 'Grouping', 'tracknumber': 'Track', 'discnumber': 'Disc'}
MP4 = {'title': '\xa9nam', 'artist': '\xa9ART', 'album': '\xa9alb', 'albumartist': 'aART', 'genre': '\xa9gen',
       'date': '\xa9day', 'comment': '\xa9cmt', 'composer': '\xa9wrt', 'grouping': '\xa9grp'}
ASF = {'title': 'Title', 'artist': 'Author', 'album': 'WM/AlbumTitle', 'albumartist': 'WM/AlbumArtist',
       'genre': 'WM/Genre', 'date': 'WM/Year', 'bpm': 'WM/BeatsPerMinute', 'key': 'WM/InitialKey',
       'comment': 'Description', 'label': 'WM/Publisher', 'isrc': 'WM/ISRC', 'composer': 'WM/Composer',
       'grouping': 'WM/ContentGroupDescription', 'tracknumber': 'WM/TrackNumber', 'discnumber': 'WM/PartOfSet'}


def id3_tags(tags, cover, f=None):
    t = ID3() if f is None else f
    for k, cls in ID3_FRAMES.items():
        if tags.get(k) is not None:
            t.add(cls(encoding=3, text=[str(tags[k])]))
    if tags.get('tracknumber'):
        t.add(TRCK(encoding=3, text=[f"{tags['tracknumber']}/{tags.get('tracktotal') or ''}".rstrip('/')]))
    if tags.get('discnumber'):
        t.add(TPOS(encoding=3, text=[str(tags['discnumber'])]))
    if tags.get('comment') is not None:
        t.add(COMM(encoding=3, lang='eng', desc='', text=[tags['comment']]))
    if tags.get('compilation'):
        t.add(TCMP(encoding=3, text=['1']))
    if cover:
        t.add(APIC(encoding=3, mime='image/jpeg', type=3, desc='Cover', data=open(cover, 'rb').read()))
    return t


def apply(op):
    path, tags, cover = op['path'], op.get('tags') or {}, op.get('cover')
    padding = op.get('padding')
    pad = (lambda info: padding) if padding is not None else None
    # MP3 and raw AAC carry plain ID3 tags; mutagen.File mistakes a tagged .aac for a broken MP3
    is_id3 = path.lower().endswith(('.mp3', '.aac'))
    f = None if is_id3 else mutagen.File(path)
    kind = type(f).__name__ if f is not None else None
    if is_id3:
        try:
            ID3(path).delete(path, delete_v1=True, delete_v2=True)
        except ID3NoHeaderError:
            pass
        if op.get('strip'):
            return
        t = id3_tags(tags, cover)
        t.save(path, v2_version=4 if op.get('id3') == 'v24' else 3, v1=2 if op.get('id3v1') else 0, padding=pad)
        return
    if f is None:
        raise SystemExit(f'mutagen cannot open {path}')
    if kind in ('AIFF', 'WAVE'):
        if f.tags is not None:
            f.delete()
            f = mutagen.File(path)
        if op.get('strip'):
            return
        f.add_tags()
        id3_tags(tags, cover, f.tags)
        f.save(v2_version=3, padding=pad)
        return
    f.delete()
    if op.get('strip'):
        f.save(padding=pad) if kind == 'FLAC' else None
        return
    if kind == 'FLAC':
        f.clear_pictures()
    if kind in ('FLAC', 'OggVorbis', 'OggOpus', 'OggFLAC'):
        if f.tags is None:
            f.add_tags()
        for k, name in VORBIS.items():
            if tags.get(k) is not None:
                f.tags[name] = str(tags[k])
        if cover:
            from mutagen.flac import Picture
            pic = Picture()
            pic.type, pic.mime, pic.data = 3, 'image/jpeg', open(cover, 'rb').read()
            if kind == 'FLAC':
                f.add_picture(pic)
            else:
                import base64
                f.tags['METADATA_BLOCK_PICTURE'] = base64.b64encode(pic.write()).decode('ascii')
        f.save(padding=pad) if kind == 'FLAC' else f.save()
        return
    if kind == 'MP4':
        from mutagen.mp4 import MP4Cover, MP4FreeForm
        if f.tags is None:
            f.add_tags()
        for k, name in MP4.items():
            if tags.get(k) is not None:
                f.tags[name] = [str(tags[k])]
        if tags.get('bpm') is not None:
            f.tags['tmpo'] = [int(round(float(tags['bpm'])))]
        if tags.get('tracknumber'):
            f.tags['trkn'] = [(int(tags['tracknumber']), int(tags.get('tracktotal') or 0))]
        if tags.get('discnumber'):
            f.tags['disk'] = [(int(tags['discnumber']), 0)]
        if tags.get('compilation'):
            f.tags['cpil'] = True
        for k, name in (('key', 'initialkey'), ('label', 'LABEL'), ('isrc', 'ISRC')):
            if tags.get(k) is not None:
                f.tags[f'----:com.apple.iTunes:{name}'] = [MP4FreeForm(str(tags[k]).encode('utf-8'))]
        if cover:
            f.tags['covr'] = [MP4Cover(open(cover, 'rb').read(), imageformat=MP4Cover.FORMAT_JPEG)]
        f.save(padding=pad)
        return
    if kind == 'ASF':
        from mutagen.asf import ASFByteArrayAttribute
        for k, name in ASF.items():
            if tags.get(k) is not None:
                f[name] = [str(tags[k])]
        if cover:
            import struct
            data = open(cover, 'rb').read()
            mime, desc = 'image/jpeg'.encode('utf-16-le') + b'\0\0', b'\0\0'
            f['WM/Picture'] = [ASFByteArrayAttribute(struct.pack('<bi', 3, len(data)) + mime + desc + data)]
        f.save()
        return
    if kind in ('WavPack', 'MonkeysAudio', 'APEv2File', 'OptimFROG', 'Musepack'):
        if f.tags is None:
            f.add_tags()
        for k, name in APE.items():
            if tags.get(k) is not None:
                f.tags[name] = str(tags[k])
        if cover:
            from mutagen.apev2 import APEValue, BINARY
            f.tags['Cover Art (Front)'] = APEValue(b'cover.jpg\0' + open(cover, 'rb').read(), BINARY)
        f.save()
        return
    raise SystemExit(f'no tag writer for {kind} ({path})')


for op in json.load(sys.stdin):
    apply(op)
