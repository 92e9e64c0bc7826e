"""The local stack's DNS server: a tiny authoritative answerer on 127.0.0.1 (dnspython
builds its answers) holding the TXT records a person publishes (``POST /_local/dns``), so
that a domain is verified on one machine through the same resolver code as in AWS (the
stack points ``DNS_NAMESERVER`` here). The domain tests use it too."""

from __future__ import annotations

import socket
import threading

import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class NameServer:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.running = True
        self.thread = threading.Thread(target=self._serve, name="nameserver", daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        """What ``DNS_NAMESERVER`` names: ``host:port``."""
        return f"127.0.0.1:{self.port}"

    def publish(self, name: str, text: str) -> list[str]:
        """Add a TXT record ``text`` at ``name``; answers the name's records."""
        key = name.strip().rstrip(".").lower()
        with self._lock:
            values = self.records.setdefault(key, [])
            if text not in values:
                values.append(text)
            return list(values)

    def _answer(self, data: bytes) -> bytes:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        with self._lock:
            found = list(self.records.get(name, []))
        if question.rdtype == dns.rdatatype.TXT and found:
            texts = [f'"{value}"' for value in found]
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", *texts))
        else:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return bytes(response.to_wire())

    def _serve(self) -> None:
        while self.running:
            try:
                data, peer = self.socket.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            try:
                answer = self._answer(data)
            except dns.exception.DNSException:
                continue  # a malformed query gets no answer, as on the wire
            self.socket.sendto(answer, peer)

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()
