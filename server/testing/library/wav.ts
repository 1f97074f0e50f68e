/** A minimal RIFF/WAVE writer for 16- or 24-bit PCM (the encoders' input and the wav formats). */
export function wavBytes(pcm: Int16Array, opts: { sampleRate?: number; channels?: number; bits?: 16 | 24 } = {}): Buffer {
  const sr = opts.sampleRate ?? 44100;
  const ch = opts.channels ?? 2;
  const bits = opts.bits ?? 16;
  const bytesPer = bits / 8;
  const data = Buffer.alloc(pcm.length * bytesPer);
  for (let i = 0; i < pcm.length; i++) {
    if (bits === 16) data.writeInt16LE(pcm[i]!, i * 2);
    else data.writeIntLE(pcm[i]! * 256, i * 3, 3);
  }
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(ch, 2);
  fmt.writeUInt32LE(sr, 4);
  fmt.writeUInt32LE(sr * ch * bytesPer, 8);
  fmt.writeUInt16LE(ch * bytesPer, 12);
  fmt.writeUInt16LE(bits, 14);
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}
