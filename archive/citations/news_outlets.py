"""Names of well-known news outlets, to tell "told CNN" (an outlet) from "told the FBI".

The source registry (``settings/sources.json``) lists the publishers prov can search; this is
only a list of names, so that an acronym or a bare name after "told", "an interview with" or
before "reported" is read as an outlet when it is one, and not when it is an agency, a
company or a person. International wire services, broadcasters and the largest newspapers
and news sites; a registry entry counts too (``outlets.named_outlets`` asks both).
"""

from __future__ import annotations

__all__ = ["known_outlet"]

_NAMES = """
ABC|ABC News|AFP|Agence France-Presse|Al Jazeera|AP|Associated Press|ARD|Axios|BBC|BBC News|
Bloomberg|Bloomberg News|Business Insider|BuzzFeed News|CBC|CBS|CBS News|CNBC|CNN|C-SPAN|
Daily Beast|Daily Mail|Deadline|Deutsche Welle|DW|Der Spiegel|Die Zeit|El Mundo|El País|
Euronews|Financial Times|FT|Forbes|Fox|Fox News|France 24|Frankfurter Allgemeine|Globe and Mail|
Haaretz|HuffPost|Huffington Post|Interfax|Kyodo|Le Figaro|Le Monde|Los Angeles Times|
Mediapart|MSNBC|NBC|NBC News|New York Post|New York Times|NHK|NPR|Nikkei|PBS|Politico|
ProPublica|Radio Free Europe|RFE/RL|RIA|RIA Novosti|Reuters|RT|Sky News|Slate|
South China Morning Post|SCMP|Süddeutsche Zeitung|TASS|TechCrunch|The Atlantic|
The Economist|The Guardian|The Hill|
The Independent|The Intercept|The New Yorker|The Telegraph|The Times|The Verge|The Wrap|TheWrap|
Time|TMZ|USA Today|Vanity Fair|Variety|Vice|Vox|Wall Street Journal|WSJ|Washington Post|
Wired|Xinhua|Yonhap|ZDF|Hollywood Reporter|The Hollywood Reporter|Rodong Sinmun|KCNA|
Korean Central News Agency|Anadolu|ANSA|EFE|Jiji|Yomiuri|Asahi|Mainichi|Times of India|
Hindustan Times|Dawn|Straits Times|Sydney Morning Herald|ABC News Australia|Nine News|
Channel 4 News|ITV|ITV News|BFM|TF1|RAI|Corriere della Sera|La Repubblica|Kommersant|
Vedomosti|Meduza|Novaya Gazeta|Interfax-Ukraine|Ukrainska Pravda|Kyiv Independent|
"""
_KNOWN = frozenset(
    name.strip().casefold().removeprefix("the ")
    for name in _NAMES.replace("\n", "|").split("|")
    if name.strip()
)


def known_outlet(name: str) -> bool:
    """Whether NAME (a leading "the" ignored, any case) is a well-known news outlet."""
    return " ".join(name.split()).casefold().removeprefix("the ") in _KNOWN
