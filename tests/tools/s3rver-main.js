// Starts @20minutes/s3rver (which verifies SigV4 signatures) on loopback for the integration
// tests. Usage: node s3rver-main.js PORT DIRECTORY BUCKET[,BUCKET…]
// The service endpoint "localhost" makes BUCKET.s3.localhost:PORT a virtual-hosted address.
'use strict';
const S3rver = require('@20minutes/s3rver');

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
