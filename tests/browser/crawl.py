"""What the crawl checks on each page, in the browser: the page fits the viewport's width, no
internal code shows in its visible text, an English page shows no Vietnamese words but proper
names, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

AXE = Path(__file__).parent / "vendor" / "axe-core-4.11.1.min.js"
# Internal codes: "PAR_DEPT", "PAR_DISTRICT 2024", "PCI [1]", "Thành phần 3".
INTERNAL_CODE = re.compile(r"\b[A-Z]{2,}_[A-Z]+\b|\[\d+\]|Thành phần \d+\b|Component \d+\b")
# Text nodes are joined by new lines, so a header and the next cell never read as one phrase.
# Letters only Vietnamese uses (đ and the vowels with tone or shape marks).
VIETNAMESE = re.compile(
    r"[đĐàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    r"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]"
)
# Capitals, digits and signs: abbreviations and legal documents' numbers ("876/QĐ-BNV").
DOCUMENT_CODE = re.compile(r"[\dA-ZĐ/&.\-–]+")
# Links a crawl never follows: they change state, download or leave the portal.
SKIP = re.compile(
    r"dang-xuat|/quan-tri/|tai=|mau=|\.xlsx|\.csv|/minh-chung/|/i18n/|/tai-ve/|mau-nhap"
    r"|/tai-ca-trang/|/tai/$|/api/"
)

# The visible text outside content in its own language (lang="vi" marks typed content).
VISIBLE_TEXT = """() => {
  const SKIPPED = 'script,style,[hidden],[aria-hidden=true],[lang=vi],.js-plotly-plot';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest(SKIPPED)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    parts.push(node.textContent);
  }
  return parts.join('\\n');
}"""


@dataclass
class Finding:
    url: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.url} [{self.kind}] {self.detail}"


@dataclass
class Crawl:
    base_url: str
    proper_words: set[str]
    limit_per_route: int = 2
    findings: list[Finding] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def links(self, page) -> list[str]:
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        urls = []
        for href in hrefs:
            url = urljoin(page.url, href)
            if urlparse(url).netloc != urlparse(self.base_url).netloc or SKIP.search(url):
                continue
            urls.append(url.split("#")[0])
        return urls

    def check(self, page, *, english: bool, width: int) -> None:
        url = page.url.removeprefix(self.base_url)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width + 1:
            wide = page.evaluate(
                """(w) => Array.from(document.querySelectorAll('body *')).filter(e => {
                    const r = e.getBoundingClientRect(); return r.right > w + 1 && r.width > 0
                    && !e.closest('.table-scroll,.chart,.js-plotly-plot');
                }).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(
                    e.getBoundingClientRect().right))""",
                width,
            )
            self.findings.append(Finding(url, "width", f"{scroll}px: {wide}"))
        text = page.evaluate(VISIBLE_TEXT)
        for match in sorted(set(INTERNAL_CODE.findall(text))):
            self.findings.append(Finding(url, "code", match))
        if english:
            words = {w.strip(".,:;()·–—\"'/") for w in text.split()}
            foreign = sorted(
                w
                for w in words
                if VIETNAMESE.search(w)
                and w.lower() not in self.proper_words
                and not DOCUMENT_CODE.fullmatch(w)
            )
            if foreign:
                self.findings.append(Finding(url, "vietnamese", " ".join(foreign[:25])))
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.slice(0, 2).map(n => n.target.join(' '))
                    .join(', '))"""
        )
        for violation in violations:
            self.findings.append(Finding(url, "axe", violation))

    def run(self, page, start: str, *, route_of, english: bool, width: int) -> None:
        queue = [urljoin(self.base_url, start)]
        seen: set[str] = set()
        per_route: dict[str, int] = {}
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            route = route_of(urlparse(url).path)
            if route is None or per_route.get(route, 0) >= self.limit_per_route:
                continue
            per_route[route] = per_route.get(route, 0) + 1
            response = page.goto(url)
            page.wait_for_load_state("networkidle")
            status = response.status if response else 0
            if status >= 500:
                self.findings.append(Finding(url, "status", str(status)))
                continue
            self.visited.append(url)
            self.check(page, english=english, width=width)
            queue += [link for link in self.links(page) if link not in seen]
