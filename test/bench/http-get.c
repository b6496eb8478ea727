/* http-get HOST PORT PATH ACCEPT ROUNDS: GETs PATH ROUNDS times, one connection each, and prints
 * "seconds body_bytes status" per round. It reads into a 4 MiB buffer and discards, so that on one machine the
 * client costs as little CPU as possible and a server's throughput is not capped by the client's. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  static char buffer[4 << 20];
  if (argc != 6) {
    fprintf(stderr, "usage: http-get HOST PORT PATH ACCEPT ROUNDS\n");
    return 2;
  }
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
  if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
    fprintf(stderr, "http-get: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  char request[8192];
  int length = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%s\r\nAccept: %s\r\nConnection: close\r\n\r\n",
                        argv[3], argv[1], argv[2], argv[4]);
  for (int round = atoi(argv[5]); round > 0; round--) {
    double start = now();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0 || write(fd, request, length) != length) {
      perror("http-get");
      return 1;
    }
    long total = 0, header = -1;
    int status = 0;
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0) {
      if (header < 0) { /* the status line and headers arrive first, and fit in one read */
        buffer[got < (ssize_t)sizeof buffer ? got : got - 1] = 0;
        sscanf(buffer, "HTTP/1.%*d %d", &status);
        char *end = strstr(buffer, "\r\n\r\n");
        header = end ? end + 4 - buffer : 0;
      }
      total += got;
    }
    close(fd);
    printf("%.6f %ld %d\n", now() - start, total - header, status);
  }
  return 0;
}
