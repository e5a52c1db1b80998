/* Start-up floor: a C program that links nothing beyond libc. */
int main(void) { return 0; }
