// Starts @20minutes/s3rver (which verifies SigV4 signatures) on loopback for the integration
// tests. Usage: node s3rver-main.js PORT DIRECTORY BUCKET[,BUCKET…]
// The service endpoint "localhost" makes BUCKET.s3.localhost:PORT a virtual-hosted address.
// S3RVER_CLOCK_OFFSET_SECONDS sets the server's clock off by that much, as a server whose
// clock differs from the client's (s3rver refuses requests more than 15 minutes off).
'use strict';
const offsetMs = Number(process.env.S3RVER_CLOCK_OFFSET_SECONDS || 0) * 1000;
if (offsetMs !== 0) {
  const RealDate = Date;
  global.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offsetMs;
    }
  };
  // node writes the Date header from its own clock: send the skewed one, as such a server would.
  const http = require('http');
  const writeHead = http.ServerResponse.prototype.writeHead;
  http.ServerResponse.prototype.writeHead = function (...args) {
    this.setHeader('Date', new Date().toUTCString());
    return writeHead.apply(this, args);
  };
}
const S3rver = require('@20minutes/s3rver');
// S3RVER_KEY_PAIRS="ID:SECRET,…" adds access keys beside the built-in S3RVER:S3RVER, as the
// temporary keys a role hands out.
const { DUMMY_ACCOUNT } = require('@20minutes/s3rver/lib/models/account');
for (const pair of (process.env.S3RVER_KEY_PAIRS || '').split(',').filter(Boolean)) {
  const colon = pair.indexOf(':');
  DUMMY_ACCOUNT.createKeyPair(pair.slice(0, colon), pair.slice(colon + 1));
}

const [port, directory, buckets] = process.argv.slice(2);
new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  serviceEndpoint: 'localhost',
  configureBuckets: (buckets || '').split(',').filter(Boolean).map((name) => ({ name })),
})
  .run()
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
