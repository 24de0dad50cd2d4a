/* GETs a URL with the static libcurl of packaging/build-static-deps.sh and verifies the peer
 * with a CA bundle file: proves that the static dependencies alone (libcurl, OpenSSL, zstd,
 * glibc's built-in name resolution) do TLS inside an empty root.
 * usage: tls_probe URL CA_BUNDLE   exit 0 on HTTP 2xx, prints curl's error otherwise */
#include <curl/curl.h>
#include <stdio.h>

static size_t discard(char *data, size_t size, size_t count, void *user) {
  (void)data; (void)user;
  return size * count;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s URL CA_BUNDLE\n", argv[0]); return 2; }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *curl = curl_easy_init();
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
  curl_easy_setopt(curl, CURLOPT_CAINFO, argv[2]);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  printf("%s\nresult=%d status=%ld error=%s\n", curl_version(), (int)rc, status, error);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK && status >= 200 && status < 300 ? 0 : 1;
}
