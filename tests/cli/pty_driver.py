#!/usr/bin/env python3
"""Runs a program on a fresh pseudo-terminal and answers its prompts.

    pty_driver.py --prompt TEXT --answers FILE --transcript FILE
                  [--stdout FILE] [--timeout SECONDS] -- PROGRAM [ARG]...

The program gets the pty as its controlling terminal, standard input and
standard error (and standard output unless --stdout names a file, so that
binary output stays out of the transcript).  Each time TEXT appears on the
terminal, the next line of the answers FILE is typed, followed by Enter; a
line that reads exactly <EOF> types Ctrl-D instead.  Answers are typed only
after their prompt has appeared: a program that turns echo off before it
prompts will not see its answer echoed, one that does not, will.

Everything the terminal shows is saved to the transcript, so a test can
check that nothing typed was echoed.  The exit status is the program's;
124 if it did not finish within the timeout (it is then killed).
"""

import argparse
import errno
import fcntl
import os
import select
import signal
import sys
import termios
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--answers", required=True)
    parser.add_argument("--transcript", required=True)
    parser.add_argument("--stdout")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no program given")

    with open(args.answers, "rb") as f:
        answers = f.read().split(b"\n")
    if answers and answers[-1] == b"":
        answers.pop()
    prompt = args.prompt.encode()

    master, slave = os.openpty()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            os.dup2(slave, 0)
            os.dup2(slave, 2)
            if args.stdout:
                out = os.open(args.stdout,
                              os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(out, 1)
                os.close(out)
            else:
                os.dup2(slave, 1)
            if slave > 2:
                os.close(slave)
            os.execvp(command[0], command)
        except OSError as e:
            os.write(2, ("pty_driver: %s: %s\n" % (command[0], e)).encode())
        os._exit(127)
    os.close(slave)

    transcript = bytearray()
    typed = 0
    status = None
    deadline = time.monotonic() + args.timeout
    while True:
        ready, _, _ = select.select([master], [], [], 0.05)
        chunk = b""
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
            transcript += chunk
        while typed < len(answers) and transcript.count(prompt) > typed:
            answer = answers[typed]
            os.write(master, b"\x04" if answer == b"<EOF>" else answer + b"\n")
            typed += 1
        if status is not None:
            # The program has exited: stop once its last output is read.
            if not chunk or time.monotonic() > deadline:
                break
            continue
        done, wstatus = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(wstatus)
            if status < 0:
                status = 128 - status
            deadline = time.monotonic() + 1.0
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stderr.write("pty_driver: timed out; %d of %d answers typed\n"
                             % (typed, len(answers)))
            status = 124
            break
    os.close(master)
    with open(args.transcript, "wb") as f:
        f.write(transcript)
    if typed < len(answers):
        sys.stderr.write("pty_driver: %d answers were never asked for\n"
                         % (len(answers) - typed))
    return status


if __name__ == "__main__":
    sys.exit(main())
