"""Word lists for telling who or what a noun phrase names: a person, a group, an organisation,
an outlet or a document (used by ``mentions``, ``outlets`` and ``discourse``).

Lower-case lists are head nouns of common noun phrases ("the deputy head", "a research
institute", "the report"); capitalised lists are words inside proper names that give their
kind ("Defence Ministry", "Daily Courier"). Gender comes from titles and gendered nouns.
"""

from __future__ import annotations

from archive.citations.tokens import word_set

__all__ = [
    "CALENDAR_WORDS",
    "COMPANY_MARKS",
    "DOCUMENT_NOUNS",
    "FEMALE_WORDS",
    "FINDING_SUBJECTS",
    "GROUP_NOUNS",
    "MALE_WORDS",
    "MONTHS",
    "NAME_ORG_WORDS",
    "NAME_OUTLET_WORDS",
    "NAME_PLACE_WORDS",
    "ORG_NOUNS",
    "OUTLET_NOUNS",
    "PERSON_NOUNS",
    "REPORTING_VERBS",
    "SYNONYMS",
    "TITLE_WORDS",
    "gender_of_word",
    "gender_of_words",
]

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# names of days and months: a capitalised word that is never a person or an organisation
CALENDAR_WORDS = frozenset(MONTHS) | word_set(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
)
# verbs that report what someone said or a document found ("said", "told", "found")
REPORTING_VERBS = word_set(
    "said says say told tells added adds stated states declared announced warned claimed "
    "claims insisted noted notes explained argued wrote writes reported reports confirmed "
    "denied acknowledged admitted asserted stressed emphasised emphasized alleged quipped "
    "tweeted vowed predicted estimated concluded suggested recalled replied responded "
    "testified urged cautioned maintained contended commented observed revealed found finds "
    "showed shows recounted recounts asserts argues explains insists warns stresses denies "
    "written assured assures hinted hints boasted complained reiterated remarked retorted "
    "countered lamented conceded "
    "admits acknowledges concedes conceded contends disclosed divulged projected projects "
    "announces asks "
    # plural subjects: "Economists argue that ...", "Officials warn that ..."
    # (not the forms that are also nouns: report, claim, note, estimate, state, stress, reply)
    "argue warn insist write explain contend maintain suggest predict acknowledge admit "
    "allege confirm deny assert reveal conclude declare announce testify concede respond "
    # findings and their verbs in the perfect ("Studies have shown that ...")
    "shown show find demonstrated demonstrates disputed disputes volunteered "
)
# singular nouns naming a person ("the minister", "a spokeswoman", "the deputy head")
PERSON_NOUNS = word_set(
    "minister secretary president premier chancellor spokesman spokeswoman spokesperson "
    "official officer director head chief leader chairman chairwoman chair ceo founder "
    "executive manager commander general colonel captain sergeant lieutenant admiral senator "
    "representative congressman congresswoman governor mayor judge justice lawyer attorney "
    "prosecutor professor researcher scientist analyst expert economist author editor "
    "journalist reporter correspondent diplomat ambassador envoy adviser advisor aide lawmaker "
    "legislator deputy member activist campaigner doctor nurse surgeon physician teacher "
    "student witness resident victim survivor farmer worker owner consultant strategist "
    "historian king queen prince princess pope bishop priest rabbi imam man woman boy girl "
    "mother father son daughter brother sister wife husband businessman businesswoman actor "
    "actress singer player coach pilot driver soldier veteran councillor councilor "
    "councilman councilwoman commissioner inspector negotiator mediator organizer organiser "
    "lobbyist investor banker engineer designer founder cofounder co-founder meteorologist "
    "forecaster specialist scholar fellow partner agent detective coroner medic paramedic "
    "firefighter trooper broker trader chemist biologist physicist psychologist "
    "epidemiologist virologist sociologist dentist pharmacist architect planner entrepreneur "
    "passenger traveler traveller shopper parent tourist visitor pastor novelist writer "
    "poet artist musician filmmaker producer director-general secretary-general"
)
# plural nouns naming people ("officials", "the researchers")
GROUP_NOUNS = word_set(
    "officials analysts experts researchers scientists prosecutors investigators authorities "
    "police lawmakers legislators residents witnesses doctors activists critics authors "
    "economists diplomats sources observers participants members leaders executives "
    "organisers organizers protesters workers students teachers voters officers lawyers "
    "attorneys judges ministers spokespeople representatives campaigners historians "
    "engineers employees staff negotiators"
)
# singular nouns naming an organisation ("the ministry", "a research institute")
ORG_NOUNS = word_set(
    "ministry department institute agency company firm corporation group party office bank "
    "court council committee commission government administration authority service "
    "university foundation association union organisation organization board bureau fund "
    "center centre parliament congress senate assembly cabinet embassy army navy military "
    "regulator watchdog tank network alliance coalition federation society club church school "
    "college hospital laboratory lab startup maker manufacturer retailer airline operator "
    "charity movement consortium conglomerate giant insurer utility"
)
# nouns naming a company in particular ("the company" refers back to one of these)
COMPANY_MARKS = word_set(
    "company firm corporation corp corp. inc inc. ltd ltd. llc plc gmbh ag startup maker "
    "manufacturer retailer airline operator conglomerate giant insurer group holdings "
    "technologies industries"
)
# nouns naming a news outlet ("the newspaper", "the agency")
OUTLET_NOUNS = word_set(
    "newspaper paper daily weekly tabloid broadcaster channel magazine website site outlet "
    "agency wire radio station television broadcaster publication journal"
)
# nouns naming a document that can be cited ("the report", "a study")
DOCUMENT_NOUNS = word_set(
    "report study paper survey analysis assessment review memo memorandum letter document "
    "filing lawsuit complaint ruling indictment book article essay op-ed poll audit "
    "investigation dossier preprint briefing bulletin communique summary update notice "
    "factsheet transcript newsletter estimates figures statistics projections findings"
)
# subjects that "found" or "showed" a result: documents and researchers
FINDING_SUBJECTS = DOCUMENT_NOUNS | word_set(
    "researchers scientists investigators analysts authors experts economists auditors "
    "inspectors researcher scientist team data figures statistics numbers studies reports "
    "analyses surveys polls papers records documents"
)
# capitalised words inside an organisation's name
NAME_ORG_WORDS = word_set(
    "Ministry Department Institute Agency Company Corporation Corp Corp. Inc Inc. Ltd Ltd. "
    "LLC PLC Group Party Office Bank Court Council Committee Commission Government "
    "Administration Authority Service Services University Foundation Association Union "
    "Organisation Organization Board Bureau Fund Center Centre Parliament Congress Senate "
    "Assembly Cabinet Embassy Army Navy Forces Police Network Alliance Coalition Federation "
    "Society Club Church School College Hospital Laboratory Laboratories Lab Labs Systems "
    "Technologies Industries Holdings Partners Kremlin Pentagon House Secretariat Directorate "
    "Guard Command Trust Institution Initiative Project Program Programme Campaign Movement "
    "Front Tribunal Academy Observatory International Watch"
)
# capitalised words inside a news outlet's name
NAME_OUTLET_WORDS = word_set(
    "News Times Post Journal Daily Herald Gazette Tribune Telegraph Guardian Courier Chronicle "
    "Observer Mail Express Magazine Radio Television TV Broadcasting Press Wire Inquirer "
    "Examiner Bulletin Dispatch Sentinel Monitor Newsweek Paper Weekly Review Reporter Star "
    "Sun Mirror Standard Record Independent Globe Insider Today"
)
# capitalised words inside a place's name
NAME_PLACE_WORDS = word_set(
    "North South East West Northern Southern Eastern Western New United Republic Kingdom "
    "States State Island Islands City County Province Region Street Avenue Road Square River "
    "Lake Mountain Mountains Sea Ocean Gulf Bay Valley Park Bridge Airport Station Hall Tower "
    "Museum District Territory Oblast Peninsula Strait Coast"
)
# words that make a capitalised run a person's title ("Interior Minister Wolfgang Peschorn")
TITLE_WORDS = word_set(
    "President Prime Minister Secretary Chancellor Premier Senator Sen Sen. Rep Rep. "
    "Representative Gov Gov. Governor Mayor Judge Justice Gen Gen. General Col Col. Colonel "
    "Capt Capt. Captain Lt Lt. Sgt Sgt. Adm Adm. Admiral Commander Chief Director Dr Dr. "
    "Prof Prof. Professor Mr Mr. Mrs Mrs. Ms Ms. Miss Sir Dame Lord Lady King Queen Prince "
    "Princess Pope Rev Rev. Bishop Ambassador Attorney Spokesman Spokeswoman Spokesperson "
    "Deputy Vice CEO Chairman Chairwoman Chair Officer Secretary-General Envoy Congressman "
    "Congresswoman Councillor Councilman Councilwoman Commissioner Inspector Sheriff Mrs. "
    "Superintendent Archbishop Cardinal Rabbi Imam Pastor Coach Detective Trooper Marshal"
)
MALE_WORDS = word_set(
    "mr mr. sir lord king prince duke baron man boy father son brother husband uncle "
    "grandfather nephew spokesman chairman congressman councilman businessman policeman actor "
    "widower boyfriend gentleman sportsman statesman fisherman salesman monk"
)
FEMALE_WORDS = word_set(
    "mrs mrs. ms ms. miss madam dame lady queen princess duchess baroness woman girl mother "
    "daughter sister wife aunt grandmother niece spokeswoman chairwoman congresswoman "
    "councilwoman businesswoman policewoman actress widow girlfriend sportswoman stateswoman "
    "nun"
)
# nouns that name the same kind of thing ("the firm" after "the company")
SYNONYMS: dict[str, frozenset[str]] = {
    "company": frozenset({"company", "firm", "corporation", "group"}),
    "firm": frozenset({"company", "firm", "corporation"}),
    "newspaper": frozenset({"newspaper", "paper", "daily"}),
    "paper": frozenset({"newspaper", "paper", "daily"}),
    "daily": frozenset({"newspaper", "paper", "daily"}),
    "agency": frozenset({"agency"}),
    "spokesman": frozenset({"spokesman", "spokesperson"}),
    "spokeswoman": frozenset({"spokeswoman", "spokesperson"}),
    "spokesperson": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
}


def gender_of_word(word: str) -> str | None:
    """ "f" or "m" for a gendered title or noun ("Mrs.", "spokeswoman"), else None."""
    folded = word.casefold()
    if folded in FEMALE_WORDS:
        return "f"
    if folded in MALE_WORDS:
        return "m"
    return None


def gender_of_words(words: list[str]) -> str | None:
    """The gender of the first gendered word of ``words``, else None."""
    for word in words:
        gender = gender_of_word(word)
        if gender:
            return gender
    return None
