/*
 * The floor of durable STOW on this machine (benchmark, not a server): an HTTP/1.1 endpoint that does only what any
 * server that makes every instance durable before answering must do, and nothing else. It reads each POSTed
 * multipart/related body from the socket, writes every part to a new file, fsyncs each file and the directory, and
 * answers 200 with an empty JSON object; a part's cached pages are dropped once it is durable, as the archive drops a
 * blob's. No parsing of the DICOM content, no hash, no index. Measured with the same client as the real servers, it
 * shows what the client, loopback networking, file creation and fsync alone cost.
 *
 * With `sha256` it also computes each part's SHA-256 as the bytes pass (OpenSSL), as the archive does for every
 * instance it stores: the floor of a server that keeps a content hash.
 *
 *   gcc -O2 -pthread -o stow_sink stow_sink.c -lcrypto && ./stow_sink PORT DIR [sha256]
 *
 * Any GET answers 200 with an empty JSON array (the client checks the server is there before it uploads).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEAD_MAX 16384
#define CHUNK (1 << 16)

static const char *directory;
static int directory_fd;
static long next_file;
static pthread_mutex_t next_file_lock = PTHREAD_MUTEX_INITIALIZER;
static int hash_parts;

/* A connection's unread bytes: what the last recv brought beyond what was consumed. */
struct conn {
    int fd;
    EVP_MD_CTX *hash; /* with `sha256` only */
    char buf[CHUNK];
    size_t start, end;
};

static ssize_t fill(struct conn *c) {
    if (c->start > 0 && c->start == c->end) c->start = c->end = 0;
    if (c->end == sizeof c->buf) {
        memmove(c->buf, c->buf + c->start, c->end - c->start);
        c->end -= c->start;
        c->start = 0;
    }
    ssize_t n = recv(c->fd, c->buf + c->end, sizeof c->buf - c->end, 0);
    if (n > 0) c->end += (size_t)n;
    return n;
}

static int send_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
        if (n <= 0) return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

static int write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n <= 0) return -1;
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Writes part content to its file, hashing it first when asked to. */
static int write_part(struct conn *c, int fd, const char *data, size_t length) {
    if (c->hash != NULL) EVP_DigestUpdate(c->hash, data, length);
    return write_all(fd, data, length);
}

static int open_part(struct conn *c) {
    if (c->hash != NULL) EVP_DigestInit_ex(c->hash, EVP_sha256(), NULL);
    pthread_mutex_lock(&next_file_lock);
    long i = next_file++;
    pthread_mutex_unlock(&next_file_lock);
    char path[4096];
    snprintf(path, sizeof path, "%s/%08ld.dcm", directory, i);
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

static int close_part(struct conn *c, int fd) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    if (c->hash != NULL) EVP_DigestFinal_ex(c->hash, digest, NULL);
    int failed = fsync(fd) != 0;
    /* As the archive does: a durable part's pages leave the page cache (see compare-orthanc.sh). */
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    failed |= close(fd) != 0;
    return failed ? -1 : 0;
}

/*
 * Streams `remaining` body bytes, writing each part between "\r\n--boundary" delimiters to its own file. Bytes that
 * could be the start of a delimiter are held back until the next recv tells. -1: the connection failed or the body
 * is not multipart; -2: a file could not be written.
 */
static int store_body(struct conn *c, long remaining, const char *boundary) {
    char delimiter[256];
    int dlen = snprintf(delimiter, sizeof delimiter, "\r\n--%s", boundary);
    /* The body starts with "--boundary" (no CRLF): pretend one came before it. */
    static __thread char carry[CHUNK + HEAD_MAX];
    size_t carried = 2;
    memcpy(carry, "\r\n", 2);
    int part = -1, failed = 0, done = 0;
    while (remaining > 0) {
        if (c->end == c->start && fill(c) <= 0) {
            if (part >= 0) close(part); /* the client went away mid-part */
            return -1;
        }
        size_t take = c->end - c->start;
        if ((long)take > remaining) take = (size_t)remaining;
        remaining -= (long)take;
        if (done) {
            c->start += take; /* the epilogue */
            continue;
        }
        memcpy(carry + carried, c->buf + c->start, take);
        c->start += take;
        carried += take;
        size_t scan = 0;
        char *hit;
        while ((hit = memmem(carry + scan, carried - scan, delimiter, (size_t)dlen)) != NULL) {
            size_t at = (size_t)(hit - carry);
            if (part >= 0) {
                failed |= write_part(c, part, carry + scan, at - scan) != 0;
                failed |= close_part(c, part) != 0;
                part = -1;
            }
            size_t after = at + (size_t)dlen;
            /* "--" after the delimiter ends the body; otherwise headers up to an empty line, then the content. */
            if (carried - after >= 2 && memcmp(carry + after, "--", 2) == 0) {
                done = 1;
                break;
            }
            char *headers_end = memmem(carry + after, carried - after, "\r\n\r\n", 4);
            if (headers_end == NULL) {
                scan = at;
                break;
            }
            scan = (size_t)(headers_end - carry) + 4;
            part = open_part(c);
            failed |= part < 0;
        }
        if (done) continue;
        /* Keep back what may begin a delimiter (or a part's headers still arriving); write the rest. */
        size_t keep = carried - scan;
        if (part >= 0 && keep > (size_t)dlen + 1) {
            size_t written = keep - (size_t)dlen - 1;
            failed |= write_part(c, part, carry + scan, written) != 0;
            scan += written;
            keep -= written;
        }
        if (keep > HEAD_MAX) return -1;
        memmove(carry, carry + scan, keep);
        carried = keep;
    }
    if (part >= 0) failed |= close_part(c, part) != 0;
    if (!done) return -1;
    failed |= fsync(directory_fd) != 0;
    return failed ? -2 : 0;
}

static void *serve(void *arg) {
    struct conn *c = arg;
    for (;;) {
        char *head_end;
        while ((head_end = memmem(c->buf + c->start, c->end - c->start, "\r\n\r\n", 4)) == NULL) {
            if (c->end - c->start >= HEAD_MAX || fill(c) <= 0) goto out;
        }
        size_t head_length = (size_t)(head_end - (c->buf + c->start)) + 4;
        if (head_length > HEAD_MAX) goto out;
        char head[HEAD_MAX + 1];
        memcpy(head, c->buf + c->start, head_length);
        head[head_length] = 0;
        c->start += head_length;

        long length = 0;
        char boundary[200] = "";
        for (char *line = strstr(head, "\r\n"); line != NULL && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
            char *field = line + 2;
            if (strncasecmp(field, "Content-Length:", 15) == 0) length = atol(field + 15);
            if (strncasecmp(field, "Content-Type:", 13) == 0) {
                char *b = strcasestr(field, "boundary=");
                if (b != NULL) {
                    b += 9;
                    int quoted = *b == '"';
                    b += quoted;
                    size_t n = strcspn(b, quoted ? "\"" : ";\r");
                    if (n < sizeof boundary) {
                        memcpy(boundary, b, n);
                        boundary[n] = 0;
                    }
                }
            }
        }
        const char *answer;
        if (strncmp(head, "POST ", 5) == 0) {
            int stored = boundary[0] ? store_body(c, length, boundary) : -1;
            if (stored == -1) goto out;
            answer = stored == 0
                ? "HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 2\r\n\r\n{}"
                : "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
        } else {
            answer = "HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 2\r\n\r\n[]";
        }
        if (send_all(c->fd, answer, strlen(answer)) != 0) goto out;
    }
out:
    close(c->fd);
    EVP_MD_CTX_free(c->hash);
    free(c);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "sha256") != 0)) {
        fprintf(stderr, "usage: %s PORT DIR [sha256]\n", argv[0]);
        return 2;
    }
    hash_parts = argc == 4;
    directory = argv[2];
    directory_fd = open(directory, O_RDONLY | O_DIRECTORY);
    if (directory_fd < 0) {
        perror(directory);
        return 1;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 64) != 0) {
        perror("listen");
        return 1;
    }
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        struct conn *c = calloc(1, sizeof *c);
        c->fd = fd;
        c->hash = hash_parts ? EVP_MD_CTX_new() : NULL;
        if (hash_parts && c->hash == NULL) { /* never measure a hashing floor that does not hash */
            close(fd);
            free(c);
            continue;
        }
        pthread_t thread;
        pthread_create(&thread, NULL, serve, c);
        pthread_detach(thread);
    }
}
