/* call_timer: a RUSTC_WRAPPER shim that times each call of the real wrapper (larder or
 * sccache) as a whole process, so both are measured the same way from outside.
 *
 *   CALL_TIMER_WRAPPER=<larder|sccache> CALL_TIMER_LOG=<file> RUSTC_WRAPPER=call_timer cargo …
 *
 * Appends "<milliseconds> <crate name> <crate types>" per call. Written in C so the shim
 * itself adds next to nothing to the build it measures. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  const char* wrapper = getenv("CALL_TIMER_WRAPPER");
  const char* log = getenv("CALL_TIMER_LOG");
  if (wrapper == NULL || log == NULL || argc < 2) {
    fprintf(stderr, "call_timer: set CALL_TIMER_WRAPPER and CALL_TIMER_LOG\n");
    return 127;
  }
  const char *name = "-", *types = "";
  char type_list[256] = "";
  for (int i = 1; i + 1 < argc; ++i) {
    if (strcmp(argv[i], "--crate-name") == 0) name = argv[i + 1];
    if (strcmp(argv[i], "--crate-type") == 0 && strlen(type_list) + strlen(argv[i + 1]) + 2 < sizeof type_list) {
      if (type_list[0] != '\0') strcat(type_list, ",");
      strcat(type_list, argv[i + 1]);
    }
  }
  types = type_list[0] != '\0' ? type_list : "-";

  char** child_argv = calloc((size_t)argc + 1, sizeof *child_argv);
  child_argv[0] = (char*)wrapper;
  for (int i = 1; i < argc; ++i) child_argv[i] = argv[i];
  const double start = now_ms();
  const pid_t pid = fork();
  if (pid < 0) {
    perror("call_timer: fork");
    return 127;
  }
  if (pid == 0) {
    execvp(wrapper, child_argv);
    perror("call_timer: exec");
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  const double elapsed = now_ms() - start;

  char line[512];
  const int n = snprintf(line, sizeof line, "%.3f %s %s\n", elapsed, name, types);
  const int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0 && n > 0) {
    (void)!write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    close(fd);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
