// gitgate opens local repositories only; it never fetches over HTTPS. Debian's libgit2 (built with
// mbedTLS and a default certificate file) parses the whole system CA bundle inside
// git_libgit2_init, and no git_libgit2_opts setting can skip it because options apply only after
// init. Parsing ~140 PEM certificates was the largest single cost of gitgate's start-up.
//
// This definition in the executable takes precedence over libmbedx509's for libgit2 (ELF symbol
// interposition: the executable is first in the lookup scope). It loads nothing and says so, so
// libgit2 keeps no CA chain: any HTTPS connection it were asked to make would fail verification.
// Nothing else in gitgate uses mbedTLS (libpq and Digest use OpenSSL).

#include "CGit2Startup.h"

// MBEDTLS_ERR_X509_FILE_IO_ERROR in mbedtls/x509.h.
#define GITGATE_X509_FILE_IO_ERROR (-0x2900)

static int refused = 0;

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    (void)chain;
    (void)path;
    __atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
    return GITGATE_X509_FILE_IO_ERROR;
}

int gitgate_refused_certificate_loads(void) { return __atomic_load_n(&refused, __ATOMIC_RELAXED); }
