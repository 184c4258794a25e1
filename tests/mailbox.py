"""A real SMTP server on loopback for the notification tests (aiosmtpd), no mock: what it received,
how often each address was offered at RCPT, and the addresses it refuses (550)."""

import asyncio
from collections import Counter
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller

from .servers import free_port


class Mailbox:
    def __init__(self, port: int | None = None, *, refuse=(), delay: float = 0):
        self.port = port or free_port()
        self.refuse = set(refuse)
        self.delay = delay  # seconds before answering DATA: a slow server, so two runs overlap
        self.messages = []
        self.rcpt_tries = Counter()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_tries[address] += 1
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message) -> str:
        return message.get_content()
