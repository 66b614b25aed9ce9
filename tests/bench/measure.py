"""Runs a command and reports its wall time, CPU time and peak memory.

    measure.py REPORT -- COMMAND [ARG...]

The command inherits standard input, output and error. REPORT receives
one line "WALL_S USER_S SYS_S MAX_RSS_KIB" from wait4(2), the figures
/usr/bin/time reports, but with microsecond resolution instead of 10 ms.
CPU times include the children the command waited for. The peak resident
set size is that of the largest process among them. Exits with the
command's exit status.
"""

import os
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    report, command = sys.argv[1], sys.argv[3:]

    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        except OSError as error:
            print(f"cannot run {command[0]}: {error}", file=sys.stderr)
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start

    with open(report, "w") as out:
        out.write(f"{wall:.6f} {usage.ru_utime:.6f} {usage.ru_stime:.6f} {usage.ru_maxrss}\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
