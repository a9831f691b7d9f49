// busboy 1.6 (multer's parser, used directly to read a multipart form's CSRF token) ships no types:
// the little of it this project calls.
declare module 'busboy' {
  import type { IncomingHttpHeaders } from 'node:http';
  import type { Writable } from 'node:stream';

  namespace busboy {
    interface Limits {
      fieldNameSize?: number;
      fieldSize?: number;
      fields?: number;
      fileSize?: number;
      files?: number;
      parts?: number;
    }
    interface Config {
      headers: IncomingHttpHeaders;
      limits?: Limits;
    }
    /** Emits 'field' (name, value), 'file' (name, stream), 'error', 'close'. */
    type Busboy = Writable;
  }

  function busboy(config: busboy.Config): busboy.Busboy;
  export = busboy;
}
