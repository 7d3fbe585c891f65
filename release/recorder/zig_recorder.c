/* A stand-in for zig.exe in the Windows check (release/verify.py): wine 8 cannot run zig.exe 0.17
 * (its cache locks with NtLockFile and an I/O status block, which wine 8 leaves unimplemented),
 * so this program takes zig's place beside ziglink.exe, records each command ziglink.exe gives
 * it, and the verifier replays the commands with Linux's zig. Each call gets a folder
 * ZIGLINK_RECORD/<n>/ with `args` (the arguments, each ended by a NUL) and, for an `@file`
 * argument, `response` (the file's text, which is gone once the call ends; the argument is
 * recorded as `@response`). `zig version` answers as zig 0.17.1 does. The exit code is
 * ZIGLINK_RECORD_EXIT, or 0. */
#include <direct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    if (!in || !out) return 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    return 1;
}

int main(int argc, char **argv) {
    const char *record = getenv("ZIGLINK_RECORD");
    const char *code = getenv("ZIGLINK_RECORD_EXIT");
    char dir[4096], path[4200];
    int n, i;
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        puts("0.17.1");
        return 0;
    }
    if (record) {
        _mkdir(record); /* the first call makes it */
        for (n = 0;; n++) {
            snprintf(dir, sizeof dir, "%s\\%d", record, n);
            if (_mkdir(dir) == 0) break;
            if (n > 1000) return 125;
        }
        snprintf(path, sizeof path, "%s\\args", dir);
        FILE *args = fopen(path, "wb");
        if (!args) return 125;
        for (i = 1; i < argc; i++) {
            if (argv[i][0] == '@') {
                snprintf(path, sizeof path, "%s\\response", dir);
                if (!copy(argv[i] + 1, path)) return 125;
                fputs("@response", args);
            } else {
                fputs(argv[i], args);
            }
            fputc('\0', args);
        }
        fclose(args);
    }
    return code ? atoi(code) : 0;
}
