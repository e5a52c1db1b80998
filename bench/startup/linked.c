/* A C program linking the C libraries gitgate links (libgit2, libpq, libpg_query, libcrypto),
 * calling none of them unless given six arguments: what the dynamic loader alone costs. */
#include <git2.h>
#include <libpq-fe.h>
#include <pg_query.h>
#include <openssl/sha.h>

int main(int argc, char **argv) {
    (void)argv;
    if (argc > 5) {
        git_libgit2_init();
        PQlibVersion();
        pg_query_free_parse_result(pg_query_parse(""));
        SHA256((const unsigned char *)"", 0, 0);
    }
    return 0;
}
