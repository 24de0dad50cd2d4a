#!/usr/bin/env python3
"""What the build scripts of a cargo build spend their time on: the programs each build-script
run starts, with their wall time, from an strace of the build.

    strace -f --seccomp-bpf -ttt -e trace=execve,clone,clone3,vfork,fork,exit_group \\
        -o build.trace cargo build --release --offline
    python3 bench/script_children.py build.trace

Prints the programs all build-script runs started (time summed, count), then, per build-script run (longest first), its wall time and the time of the processes it
started itself, by program (`larder cc` for larder called as a C compiler, `larder rustc` for a
rustc probe sent through RUSTC_WRAPPER). A grandchild's time is inside its parent's. Used for
bench/README.md's account of the warm build's build-script time (issue 18)."""
import collections
import re
import sys

LINE = re.compile(r"(\d+)\s+([\d.]+)\s+(.*)")
SPAWN = re.compile(r"(clone3?|vfork|fork)\(")
SPAWN_DONE = re.compile(r"(clone3?|vfork|fork)\(.*\)\s*=\s*(\d+)$")
SPAWN_RESUMED = re.compile(r"<\.\.\. (clone3?|vfork|fork) resumed>.*=\s*(\d+)$")
EXEC = re.compile(r'execve\("([^"]+)", \[(.*?)\]')


class Trace:
    def __init__(self, path):
        self.process_of = {}  # thread id -> process id
        self.parent = {}  # process id -> parent process id
        self.program, self.argv, self.start, self.end = {}, {}, {}, {}
        pending_exec, pending_thread = {}, {}
        for line in open(path, errors="replace"):
            m = LINE.match(line)
            if not m:
                continue
            tid, when, rest = int(m.group(1)), float(m.group(2)), m.group(3).rstrip()
            pid = self.process_of.get(tid, tid)
            done = SPAWN_DONE.match(rest) or SPAWN_RESUMED.match(rest)
            if done:
                thread = "CLONE_THREAD" in rest if SPAWN_DONE.match(rest) else pending_thread.pop(tid, False)
                self._spawned(pid, int(done.group(2)), thread)
            elif SPAWN.match(rest) and "unfinished" in rest:
                pending_thread[tid] = "CLONE_THREAD" in rest
            elif EXEC.match(rest):
                e = EXEC.match(rest)
                pending_exec[tid] = (e.group(1), re.findall(r'"([^"]*)"', e.group(2)), when)
                if rest.endswith("= 0"):
                    self._exec(tid, *pending_exec.pop(tid))
            elif "<... execve resumed>" in rest and rest.endswith("= 0") and tid in pending_exec:
                self._exec(tid, *pending_exec.pop(tid))
            elif rest.startswith("+++ exited") or rest.startswith("+++ killed"):
                self.end[tid] = when

    def _spawned(self, pid, child, thread):
        if thread:
            self.process_of[child] = pid
        else:
            self.parent[child] = pid

    def _exec(self, pid, program, argv, when):
        self.program[pid], self.argv[pid], self.start[pid] = program, argv, when

    def seconds(self, pid):
        return self.end[pid] - self.start[pid] if pid in self.end and pid in self.start else None


def label(program, argv):
    name = program.rsplit("/", 1)[-1]
    if name == "larder" and len(argv) > 1:
        first = argv[1].rsplit("/", 1)[-1]
        return "larder " + ("rustc" if first.startswith("rustc") or "toolchains" in argv[1] else first)
    return name


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    trace = Trace(sys.argv[1])
    runs = {pid: trace.seconds(pid) for pid, program in trace.program.items()
            if program.endswith("/build-script-build") and trace.seconds(pid) is not None}
    children = collections.defaultdict(collections.Counter)
    counts = collections.defaultdict(collections.Counter)
    for pid, program in trace.program.items():
        script = trace.parent.get(pid)
        if script in runs and trace.seconds(pid) is not None:
            key = label(program, trace.argv[pid])
            children[script][key] += trace.seconds(pid)
            counts[script][key] += 1
    print(f"{len(runs)} build-script runs, {sum(runs.values()):.2f} s summed")
    overall = sum(children.values(), collections.Counter())
    overall_counts = sum(counts.values(), collections.Counter())
    print("  programs they started: " + ", ".join(
        f"{key} {s:.2f} s ({overall_counts[key]})" for key, s in overall.most_common()))
    for pid, seconds in sorted(runs.items(), key=lambda item: -item[1]):
        package = trace.program[pid].rsplit("/", 2)[-2].rsplit("-", 1)[0]
        started = ", ".join(f"{key} {s:.2f} s ({counts[pid][key]})" for key, s in children[pid].most_common())
        print(f"  {package:24} {seconds:5.2f} s  {started or 'no programs started'}")


if __name__ == "__main__":
    main()
