/* What gitgate maps at start-up since libpq is loaded on demand: libgit2, libpg_query, libcrypto. */
#include <git2.h>
#include <pg_query.h>
#include <openssl/sha.h>

int main(int argc, char **argv) {
    (void)argv;
    if (argc > 5) {
        git_libgit2_init();
        pg_query_free_parse_result(pg_query_parse(""));
        SHA256((const unsigned char *)"", 0, 0);
    }
    return 0;
}
