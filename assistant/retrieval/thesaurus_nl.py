# ruff: noqa: E501  (one concept group per line reads better than wrapped strings)
"""General thesaurus of Dutch public-administration / intergovernmental-cooperation
language (with English equivalents), for BM25 query expansion (see assistant.retrieval.thesaurus).

Each string is one concept group: space-separated single lowercase words that a
user might use for the same concept (or one that clearly implies the other in
policy talk). A word appears in at most two groups. Written from general
knowledge; not tied to any question set. Words that mostly phrase a question rather than
name its subject ("give", "need", "help") are left out: they would expand every question.
"""

GROUPS: list[str] = [
    # ------------------------------------------------------------------
    # Governance actors and bodies
    # ------------------------------------------------------------------
    "gemeente gemeenten gemeentelijk gemeentelijke municipality municipalities municipal lokaal lokale local",
    "regio regios regionaal regionale region regions regional subregio subregionaal",
    "provincie provincies provinciaal provinciale province provinces provincial",
    "rijk rijksoverheid kabinet regering nationaal nationale national cabinet",
    "ministerie ministeries minister ministers departement ministry ministries",
    "bzk binnenlandse koninkrijksrelaties interior",
    "waterschap waterschappen hoogheemraadschap hoogheemraadschappen waterboard waterboards dijkgraaf",
    "gr grs wgr gemeenschappelijke samenwerkingsverband samenwerkingsverbanden intergemeentelijk intergemeentelijke",
    "interbestuurlijk interbestuurlijke intergovernmental medeoverheden bestuurslagen bestuurslaag multilevel",
    "college colleges collegeleden executive",
    "raad raden gemeenteraad gemeenteraden council councils",
    "raadslid raadsleden gemeenteraadslid councillor councillors councilor volksvertegenwoordiger volksvertegenwoordigers",
    "wethouder wethouders alderman aldermen",
    "portefeuillehouder portefeuillehouders portefeuille portfolio",
    "gedeputeerde gedeputeerden gs provinciebestuur",
    "staten statenlid statenleden ps",
    "commissaris koningscommissaris cdk gouverneur governor",
    "burgemeester burgemeesters mayor mayors",
    "griffie griffier griffiers clerk",
    "ambtenaar ambtenaren ambtelijk ambtelijke ambtenarij beleidsmedewerker beleidsmedewerkers official officials bureaucrat bureaucrats",
    "bestuurder bestuurders bestuurlijk bestuurlijke politicus politici politician politicians administrator administrators",
    "bestuur besturen governance administration",
    "overheid overheden government governments autoriteit autoriteiten authority authorities",
    "vng koepel koepelorganisatie belangenvereniging ipo",
    "directeur directeuren dg director directors",
    "commissie commissies raadscommissie committee committees",
    "fractie fracties fractievoorzitter faction caucus",
    "partner partners partij partijen stakeholder stakeholders belanghebbenden betrokkenen samenwerkingspartner samenwerkingspartners",
    "organisatie organisaties werkorganisatie apparaat organization organisation",
    "loket loketten balie servicepunt frontoffice counter",
    "dienstverlening dienst diensten service services",
    "veiligheidsregio veiligheidsregios brandweer ggd crisisbeheersing rampenbestrijding",
    "provinciehuis gemeentehuis stadhuis raadhuis townhall cityhall",
    # ------------------------------------------------------------------
    # Citizens, society, democracy
    # ------------------------------------------------------------------
    "inwoner inwoners burger burgers bewoner bewoners ingezetenen citizen citizens resident residents inhabitants",
    "samenleving maatschappij maatschappelijk maatschappelijke society societal",
    "democratie democratisch democratische rechtsstaat democracy democratic legitimiteit legitimacy",
    "verkiezing verkiezingen gemeenteraadsverkiezingen statenverkiezingen kiezers stemmen stemming election elections voters vote voting",
    "collegeperiode bestuursperiode raadsperiode zittingsperiode",
    "coalitie coalitieakkoord bestuursakkoord collegeprogramma regeerakkoord coalition",
    "participatie burgerparticipatie inspraak meedenken participation involvement",
    "beleid beleidsmatig beleidsplan beleidskader policy policies",
    # ------------------------------------------------------------------
    # Cooperation and relations
    # ------------------------------------------------------------------
    "samenwerking samenwerken samenwerkt samenwerkingen cooperation collaboration collaborate cooperate partnership",
    "samen gezamenlijk gezamenlijke gemeenschappelijk collectief joint jointly together shared",
    "krachtenbundeling bundelen bundeling pooling pool",
    "fusie fuseren fusies herindeling herindelingen samenvoeging merger mergers amalgamation",
    "schaal schaalgrootte opschaling schaalvergroting omvang size scale",
    "netwerk netwerken network networking",
    "relatie relaties verhouding verhoudingen onderling onderlinge relationship relationships",
    "contact contacten persoonlijk persoonlijke kennismaken kennismaking personal",
    "verbinding verbinden verbindend bruggenbouwer connection connect bridge",
    "afhankelijk afhankelijkheid wederzijds wederzijdse interdependence dependency dependent mutual",
    "wederkerig wederkerigheid tegenprestatie reciprocity reciprocal quid",
    "gunnen gunnend gun belangeloos onbaatzuchtig altruisme generous generosity selfless unselfish tegenprestatie",
    "solidariteit solidair saamhorigheid solidarity",
    "bijdrage bijdragen bijdraagt contribute contribution contributions",
    "bieden aanbieden aanbod offer offering",
    "eigenbelang egoisme kerktorenpolitiek parochialisme parochial selfinterest",
    "hek hekken omheining muur muren afschotten eilanddenken isolement isolatie insular fence kerktorenpolitiek",
    "schaduw ego trots prestige pride",
    "calimero calimeroeffect underdog overschaduwd ondergesneeuwd overshadowed miskend slachtofferrol",
    "gelijkwaardig gelijkwaardigheid gelijkwaardige equal equality",
    "conflict conflicten ruzie onenigheid geschil geschillen disagreement dispute",
    "constructief constructieve opbouwend positief constructive positive",
    "lobby lobbyen belangenbehartiging advocacy",
    "regiodeal regiodeals woondeal deal",
    # ------------------------------------------------------------------
    # Trust, openness, empathy, listening
    # ------------------------------------------------------------------
    "vertrouwen vertrouwt wantrouwen trust trusting confidence",
    "betrouwbaar betrouwbaarheid betrouwbare reliable reliability",
    "open openheid eerlijk eerlijkheid transparant transparantie openness honest honesty transparency",
    "empathie empathisch inleven inlevingsvermogen verplaatsen empathy compassion",
    "luisteren luister luistert listen listening gehoord",
    "respect respecteren waardering appreciation",
    "begrip begrijpen begrepen snappen understand understanding",
    "elkaars wereld werelden leefwereld background",
    "inlezen voorbereiding voorbereiden verdiepen huiswerk homework preparation prepare",
    # ------------------------------------------------------------------
    # Roles, responsibilities, tasks, authority
    # ------------------------------------------------------------------
    "rol rollen rolverdeling role roles positie",
    "verantwoordelijkheid verantwoordelijkheden verantwoordelijk responsibility responsibilities responsible accountable aanspreekbaar",
    "eigenaarschap ownership owner",
    "regie regierol leiding leiderschap regisseur lead leadership",
    "taak taken takenpakket taakverdeling task tasks duties",
    "bevoegdheid bevoegdheden bevoegd competence competences mandaat mandate",
    "decentralisatie decentralisaties gedecentraliseerd overheveling decentralization devolution",
    "verwachting verwachtingen verwachten verwacht expectation expectations",
    "helderheid helder heldere duidelijkheid duidelijk duidelijke glashelder clarity clear",
    "oppakken oppakt overnemen overname",
    "afzonderlijk afzonderlijke apart individueel separate individual",
    "zeggenschap invloed grip sturing influence control",
    "controle controlerend toezicht toezichthouder oversight supervision",
    "verantwoording verantwoorden rekenschap accountability",
    "kader kaders kaderstelling kaderstellend framework frameworks",
    # ------------------------------------------------------------------
    # Identity, autonomy, size
    # ------------------------------------------------------------------
    "identiteit identiteiten karakter dna identity character > eigenheid",
    "zelfstandigheid zelfstandig zelfstandige autonomie autonoom onafhankelijk onafhankelijkheid autonomy independence independent zeggenschap",
    "vrijwillig vrijwillige vrijwilligheid facultatief voluntary optional",
    "klein kleine kleinere kleinschalig small smaller dorp dorpen plattelandsgemeente",
    "groot grote grotere grootschalig large larger big centrumgemeente",
    "stad steden stedelijk city cities urban",
    "geheel gehele totaal totaalbeeld whole overall",
    "sterk sterke sterker kracht krachtig robuust strong stronger robust",
    "versterken versterking verstevigen strengthen strengthening reinforce",
    "bestuurskracht bestuurskrachtig bestuurskwaliteit slagkracht uitvoeringskracht",
    "druk pressure overbelast overbelasting overvraagd strain spanning",
    "versnippering versnipperd gefragmenteerd fragmentatie lappendeken fragmentation",
    "grens grenzen gemeentegrens gemeentegrenzen provinciegrens border borders boundary boundaries",
    # ------------------------------------------------------------------
    # Know yourself: capacity, qualities, limits, help
    # ------------------------------------------------------------------
    "zelfkennis zelfinzicht zelfreflectie zelfbeeld selfawareness introspectie",
    "kwaliteiten krachten sterktes talenten strengths talents",
    "beperking beperkingen zwakte zwaktes weaknesses limitations limits",
    "capaciteit capaciteiten menskracht mankracht bezetting capacity manpower",
    "personeel medewerkers medewerker werknemers formatie fte staff staffing personnel employees",
    "tekort tekorten krapte schaarste gebrek ravijnjaar shortage shortages scarcity deficit",
    "kwaliteit kwalitatief kwaliteitsniveau professionaliteit quality",
    "kennis expertise deskundigheid kunde knowhow vakmanschap knowledge skills",
    "hulp hulpvraag hulpvragen steun ondersteuning ondersteunen support assistance",
    # ------------------------------------------------------------------
    # Money
    # ------------------------------------------------------------------
    "geld financien financieel financiele middelen funding money finance financial funds",
    "budget budgetten begroting begrotingen budgets",
    "kosten uitgaven bezuiniging bezuinigingen costs cuts spending",
    "subsidie subsidies grant grants",
    "gemeentefonds fonds fondsen uitkering fund",
    "investeren investering investeringen investeer invest investment investments",
    "efficiency efficient efficientie doelmatig doelmatigheid schaalvoordelen",
    # ------------------------------------------------------------------
    # Decision-making, informing, involving
    # ------------------------------------------------------------------
    "besluit besluiten besluitvorming beslissing beslissingen beslissen decision decisions decide decisionmaking",
    "keuze keuzes kiezen kies choice choices choose",
    "prioriteit prioriteiten prioriteren priority priorities prioritize",
    "afweging afwegingen dilemma dilemmas tradeoff spanningsveld",
    "proces processen procedure procedures traject trajecten process",
    "informeren informeer informatie geinformeerd informatievoorziening informeel inform information",
    "informele ongedwongen informal",
    "betrekken betrek betrokken betrokkenheid meenemen meegenomen involve involved",
    "vroeg vroegtijdig vroegtijdige tijdig vooraf early timely",
    "motie moties amendement amendementen motion motions amendment",
    "tafel bespreekbaar aankaarten",
    "herkennen erkennen erkenning benoemen acknowledge recognise recognize",
    "belang belangen interest interests",
    "centraal centrale leidend voorop central",
    "uitgangspunt uitgangspunten principe principes beginsel principle principles",
    # ------------------------------------------------------------------
    # Agreements and binding commitments
    # ------------------------------------------------------------------
    "afspraak afspraken afspreken overeenkomst overeenkomsten akkoord convenant contract contracten agreement agreements arrangement pact deal",
    "bindend bindende verplicht verplichtend verplichting verplichtingen vrijblijvend vrijblijvendheid binding obligation obligations",
    "commitment committeren toezegging toezeggingen belofte beloften promise pledge",
    "nakomen naleven nakoming comply compliance honour",
    "concreet concrete tastbaar specifiek concretiseren tangible specific",
    "borgen borging verankeren verankering waarborgen vastleggen safeguard embed",
    "consensus overeenstemming eensgezind eensgezindheid unanimity",
    # ------------------------------------------------------------------
    # Talking vs doing
    # ------------------------------------------------------------------
    "doen daad daden actie acties handelen action act acting",
    "uitvoering uitvoeren uitgevoerd implementatie implementeren realisatie realiseren implementation execution delivery",
    "praten gepraat praat kletsen woorden talk talking",
    "gesprek gesprekken dialoog discussie discussies conversation dialogue discussion",
    "overleg overleggen beraad consultatie consultation deliberation",
    "polder polderen poldermodel praatcultuur overlegcultuur praatclub",
    "hangen vastzitten vastlopen stilstand impasse stagnatie stuck stagnation deadlock",
    "daadkracht daadkrachtig slagvaardig slagvaardigheid decisive decisiveness",
    "snel snelheid versnellen quick quickly fast speed",
    # ------------------------------------------------------------------
    # Long term vs short term, goals, vision
    # ------------------------------------------------------------------
    "langetermijn lange lang structureel structurele longterm long",
    "kortetermijn korte kort incidenteel incidentele shortterm short",
    "termijn termijnen periode tijdshorizon timeframe term",
    "toekomst toekomstig toekomstige toekomstbestendig future",
    "visie perspectief perspectieven stip vision perspective outlook",
    "plan plannen planning blueprint roadmap",
    "strategie strategisch strategische strategy strategic",
    "doel doelen doelstelling doelstellingen goal goals objective objectives aim target",
    "ambitie ambities ambitieus aspiratie ambition ambitions",
    "behoefte behoeften behoeftes wens wensen needs wishes",
    "realistisch realistische haalbaar haalbaarheid realistic feasible feasibility",
    "duurzaam duurzaamheid verduurzaming sustainable sustainability",
    # ------------------------------------------------------------------
    # Rules and legislation, bureaucracy
    # ------------------------------------------------------------------
    "wet wetten wetgeving wettelijk wettelijke law laws legislation legal statutory",
    "regel regels regelgeving regeling regelingen voorschriften rules regulation regulations",
    "bureaucratie bureaucratisch regeldruk rompslomp papierwerk bureaucracy redtape",
    "verordening verordeningen bylaw ordinance",
    "omgevingswet ruimtelijk ruimtelijke planologie bestemmingsplan omgevingsplan spatial",
    # ------------------------------------------------------------------
    # Innovation, thinking freely, old structures, looking outward
    # ------------------------------------------------------------------
    "systeem systemen structuur structuren stelsel system systems structure structures",
    "oud oude ouderwets traditioneel vastgeroest verouderd old outdated traditional legacy",
    "verkokering verkokerd schotten silo silos",
    "workaround workarounds omweg creatief creatieve slim slimme creative creativity clever",
    "innovatie innovatief innovatieve vernieuwing vernieuwen innovation innovative",
    "experiment experimenteren experimenteerruimte pilot pilots proeftuin",
    "lef durf durven moed gedurfd courage bold boldness guts",
    "vrij vrijheid vrijdenken free freedom openminded",
    "denken nadenken gedachte gedachten bedenken bedacht thinking thought thoughts",
    "idee ideeen ideeën suggestie suggesties idea ideas",
    "mogelijk mogelijkheden mogelijkheid kans kansen possible possibilities opportunity opportunities",
    "ruimte speelruimte handelingsruimte flexibiliteit flexibel room leeway flexibility",
    "belemmering belemmeringen obstakel obstakels drempel drempels knelpunt knelpunten barriers obstacles bottleneck",
    "tegenwerken tegenwerking dwarsliggen hinderen obstruct hinder",
    "blik buitenwereld extern externe outward outwardlooking rondkijken",
    "verkenning verkennen onderzoek onderzoeken analyse analyses exploration explore research study analysis",
    "ontwikkeling ontwikkelingen trend trends development developments",
    "verandering veranderingen veranderen transitie change changes transition",
    # ------------------------------------------------------------------
    # Communication, misunderstanding, checking, shared language
    # ------------------------------------------------------------------
    "communicatie communiceren communication communicate",
    "afstemming afstemmen coordinatie coordineren alignment coordination align",
    "misverstand misverstanden miscommunicatie verwarring misunderstanding misunderstandings confusion",
    "check checken dubbelcheck verifieren nagaan verificatie doublecheck verify verification controleren",
    "aanname aannames aannemen veronderstellen veronderstelling assume assumption assumptions",
    "ezelsbruggetje ezelsbrug geheugensteun geheugensteuntje anna mnemonic",
    "taal jargon vaktaal terminologie begrippen language vocabulary",
    "beeldvorming beeld beelden perceptie perception picture image",
    # ------------------------------------------------------------------
    # Crises, emergencies, lessons
    # ------------------------------------------------------------------
    "crisis crises ramp rampen calamiteit calamiteiten noodsituatie nood noodtoestand emergency emergencies disaster disasters catastrophe",
    "overstroming overstromingen wateroverlast watersnood hoogwater dijkdoorbraak flood flooding floods",
    "pandemie epidemie corona coronacrisis covid virus lockdown pandemic",
    "vluchteling vluchtelingen asielzoeker asielzoekers asiel statushouders ontheemden refugee refugees asylum",
    "opvang opvangen noodopvang opvanglocatie reception shelter",
    "klimaat klimaatcrisis klimaatverandering klimaatadaptatie opwarming climate",
    "energie energietransitie energiecrisis warmtetransitie energievoorziening energy",
    "weerbaar weerbaarheid veerkracht paraatheid resilience resilient preparedness",
    "veiligheid veilig onveiligheid safety security",
    "uitzondering uitzonderingen uitzonderlijk noodwet noodverordening exception exceptional",
    "les lessen leren geleerd lesson lessons learning learned",
    "evaluatie evaluaties evalueren evalueer terugblik reflectie reflecteren review evaluation evaluate reflection",
    "benutten verspillen waste leverage",
    # ------------------------------------------------------------------
    # Policy tasks / domains
    # ------------------------------------------------------------------
    "opgave opgaven opgaves uitdaging uitdagingen vraagstuk vraagstukken probleem problemen problematiek challenge challenges issue issues problem problems",
    "complex complexe complexiteit ingewikkeld lastig complicated complexity",
    "huisvesting wonen woningbouw woning woningen woningnood woningtekort woningmarkt housing homes dwellings",
    "arbeidsmarkt werkgelegenheid banen werkloosheid arbeidsmarktregio labour labor employment jobs",
    "mobiliteit verkeer vervoer bereikbaarheid infrastructuur mobility transport traffic accessibility",
    "jeugdzorg jeugdhulp jeugd jongeren youth",
    "sociaal sociale wmo participatiewet welzijn welfare social",
    "zorg gezondheidszorg ouderenzorg care healthcare health",
    "economie economisch economische bedrijven ondernemers bedrijfsleven economy business",
    "onderwijs scholen school education",
    "natuur stikstof landbouw boeren platteland agriculture nitrogen rural",
    "digitalisering digitaal ict data digital digitisation",
    "water waterbeheer dijk dijken waterveiligheid",
    # ------------------------------------------------------------------
    # Meetings, conferences, outputs
    # ------------------------------------------------------------------
    "conferentie conferenties congres symposium werkconferentie bestuurdersconferentie conference conferences congress",
    "bijeenkomst bijeenkomsten vergadering vergaderingen vergaderen meeting meetings sessie sessies session",
    "deelnemer deelnemers deelname deelnemen aanwezigen participant participants attendees",
    "workshop workshops werksessie tafelgesprek tafelgesprekken rondetafel roundtable",
    "gespreksleider gespreksleiding dagvoorzitter moderator facilitator",
    "organiseren georganiseerd organiseerden organisator organize organise organized host",
    "programma dagprogramma agenda programme program",
    "uitkomst uitkomsten resultaat resultaten opbrengst oogst outcome outcomes results harvest",
    "verslag verslagen rapport rapportage samenvatting notulen report summary minutes",
    "illustratie illustraties tekening tekeningen illustrator illustration drawing",
    "citaat citaten uitspraak uitspraken quote quotes quotation",
    "enquete enquetes vragenlijst peiling interview interviews survey questionnaire poll",
    "casus casussen voorbeeld voorbeelden praktijkvoorbeeld case cases example examples",
    "inzicht inzichten insight insights",
    "uitwisselen uitwisseling delen gedeeld deelgenoot kennisdeling exchange share sharing",
    "recept recepten ingredient ingredienten ingrediënten recipe recipes ingredients",
    "advies adviezen aanbeveling aanbevelingen tip tips advice recommendation recommendations",
    "bouwsteen bouwstenen basis fundament foundation",
    "startpunt vertrekpunt beginpunt aanzet aftrap start kickoff beginning",
    "vervolg vervolgstap vervolgstappen vervolgtraject followup",
    # ------------------------------------------------------------------
    # Letters, correspondence, dates, signing, sending
    # ------------------------------------------------------------------
    "brief brieven correspondentie schrijven letter letters correspondence mail",
    "afzender geadresseerde ontvanger ontvangers addressee sender recipient recipients",
    "verzenddatum verzonden verzenden versturen verstuurd sent send sending dispatch",
    "datum gedateerd dagtekening date dated",
    "kenmerk referentie referentienummer zaaknummer ref refnr nr reference",
    "betreft onderwerp onderwerpen thema themas subject topic topics theme",
    "bijlage bijlagen bijgaand bijgevoegd attachment attachments annex appendix enclosure",
    "ondertekend ondertekening ondertekenen handtekening signed signature signing",
    "namens vertegenwoordigen vertegenwoordiger behalf representing representative",
    "hoogachtend groet groeten geacht geachte aanhef regards sincerely dear",
    "postbus adres postcode telefoon telefoonnummer contactgegevens address phone",
    # ------------------------------------------------------------------
    # Broader terms: the words before ">" imply the words after it, not the other way round
    # (a flood is a crisis; not every crisis is a flood).
    # ------------------------------------------------------------------
    "overstroming overstromingen wateroverlast watersnood hoogwater dijkdoorbraak flood flooding floods storm stormschade brand explosie droogte hittegolf aardbeving stroomstoring > crisis nood ramp",
    "pandemie epidemie corona coronacrisis covid lockdown pandemic vluchtelingen vluchtelingencrisis asielzoekers noodopvang opvangcrisis energiecrisis > crisis nood",
    "waterschap waterschappen hoogheemraadschap netbeheerder netbeheerders woningcorporatie woningcorporaties corporaties zorgverzekeraar zorgaanbieders ondernemers bedrijfsleven veiligheidsregio ggd > partijen partners",
    "regeltjes voorschriften bureaucratie regeldruk protocollen rompslomp papierwerk formulieren paperwork bureaucracy redtape > regelgeving regels wet",
    "koffie kopje lunch borrel etentje wandeling kennismakingsgesprek coffee drinks opbellen appje appen whatsapp wandelgangen > persoonlijk contact kennismaken",
    "ruzie onenigheid wrijving spanningen verstoord conflict > relaties verhouding vertrouwen",
    "fusie fuseren herindeling samenvoeging merger > samenwerking zelfstandigheid identiteit",
    # shared services and joint bodies
    "afvalbedrijf afvalbedrijven afvalinzameling afvalverwerking afvaldienst huisvuil vuilnis garbage hvc omgevingsdienst omgevingsdiensten milieudienst belastingsamenwerking belastingkantoor inkoopsamenwerking inkoopbureau sharedservice sharedservices servicecentrum uitvoeringsorganisatie > samenwerking gemeenschappelijke regeling",
    "werkorganisatie werkorganisaties buch merged > samenwerking zelfstandigheid",
    "jeugdzorg jeugdhulp jeugdzorgregio jeugdzorginkoop zorginkoop jeugdbescherming veiligthuis > samenwerking regio",
    "metropoolregio mra vervoerregio westfriesland zaanstreek ijmond gooi vechtstreek amstelland meerlanden kennemerland > regio samenwerking",
    "bovenlokaal bovenlokale bovengemeentelijk bovengemeentelijke regionaliseren regionalisering > regio regionaal samenwerking",
    "buurgemeente buurgemeenten buurgemeentes nabuurgemeente neighbour neighbours neighbouring neighbor neighbors > gemeenten regio partners",
    "sporthal sporthallen sports zwembad zwembaden sportpark sportaccommodatie sportaccommodaties bibliotheek schouwburg voorziening voorzieningen voorzieningenniveau facilities amenities > inwoners",
    "zorginstelling zorginstellingen welzijnsorganisatie welzijnsorganisaties stichting stichtingen vereniging verenigingen ngo ngos onderwijsinstelling onderwijsinstellingen politie > partijen partners",
    "dorpsraad dorpsraden wijkraad wijkraden bewonerscommissie bewonersvereniging burgerinitiatief burgerinitiatieven bewonersinitiatief bewonersinitiatieven burgerberaad > inwoners participatie",
    "doorverwijzen doorverwezen doorverwijzing klantreis klantcontact klantcontactcentrum kcc > loket inwoners",
    "windmolen windmolens windturbine windturbines turbine turbines windpark windparken zonnepark zonneparken zonneweide zonneweides energiestrategie > energietransitie klimaatcrisis opgaven",
    "decentralisatie decentralisaties overheveling overgeheveld gedecentraliseerd devolution > taken verantwoordelijkheden",
    "uittreden uittreding uittredingsregeling opzeggen opzegging uitstappen exit > samenwerking gemeenschappelijke regeling afspraken",
    # money, budget cycle, short-termism
    "overschrijding overschrijdingen budgetoverschrijding kostenoverschrijding overrun overruns meerkosten tegenvaller tegenvallers > financien begroting kosten",
    "voorjaarsnota kadernota najaarsnota jaarrekening begrotingsbehandeling begrotingsdebat begrotingsronde meerjarenbegroting meerjarenraming > begroting financien kader",
    "onderfinanciering ondergefinancierd uitvoeringskosten uitvoeringslasten openeinderegeling openeinderegelingen bekostiging opschalingskorting underfunded underfunding unfunded > financien taken",
    "verdeelsleutel verdeelsleutels kostenverdeling inwonerbijdrage costsharing > financien afspraken",
    "kortetermijndenken kortzichtig kortzichtigheid brandjesblussen symptoombestrijding pleisters quickfix quickwins shorttermism waan electoraal electorale verkiezingscyclus > korte lange termijn perspectief",
    "horizon toekomstbeeld toekomstvisie langetermijnvisie generaties generatie decennia decennium > lange termijn toekomst perspectief",
    # staff, capacity, hired help
    "inhuur inhuren ingehuurd ingehuurde interim interimmer interimmers zzper zzpers consultants adviesbureau adviesbureaus > capaciteit kwaliteit afhankelijk",
    "vacature vacatures vacaturestop onderbezetting onderbezet personeelstekort personeelstekorten personeelskrapte arbeidskrapte werkdruk ziekteverzuim tijdgebrek tijdsdruk understaffed understaffing vacancies > capaciteit personeel tekort",
    "eenpitter eenpitters kwetsbaar kwetsbaarheid kwetsbare > capaciteit kwaliteit bestuurskracht",
    "machteloos machteloosheid onmacht tekortschieten handelingsverlegen handelingsverlegenheid powerless overwhelmed > capaciteit hulpvraag",
    "bijspringen bijgesprongen uitlenen uitgeleend inlenen ingeleend detacheren detachering gedetacheerd bijstand invalkracht invalkrachten flexpool secondment > hulpvraag capaciteit",
    # talk without action, slowness, non-binding agreements
    "praatclub praatcultuur overlegcultuur polderen praatsessie praatsessies vergadercultuur vergadercircus vergaderdruk vergadermoeheid eindeloos eindeloze endless talkshop > praten doen hangen",
    "besluiteloos besluiteloosheid uitstel uitstellen doorschuiven vooruitschuiven treuzelen getreuzel procrastinatie stroperig stroperigheid traag traagheid sluggish > besluitvorming doen hangen",
    "intentieverklaring intentieverklaringen intentie intenties papierentijger lippendienst lipservice goedbedoeld vrijblijvend > afspraken bindende concrete",
    "woordbreuk afspraakbreuk terugkrabbelen terugdraaien reneged reneging > afspraken vertrouwen nakomen",
    # rules, 'that is not allowed'
    "jurist juristen juridisch juridische aanbesteding aanbesteden aanbestedingsregels aanbestedingsplicht staatssteun privacywet avg lawyers > regelgeving wet",
    "verbod verboden verbieden ontheffing onmogelijk onmogelijkheid forbidden prohibited impossible > regelgeving mogelijk ruimte",
    "ingesleten ingeslepen padafhankelijk padafhankelijkheid routine routines heilige sacred > oude structuren vrij denken",
    "improviseren improvisatie improvise improvised improvisation pragmatisch pragmatische pragmatic > creatief workaround ruimte",
    # small and big, identity, power
    "gepest pesten bullied bully bullying overheersing overheersen domineren dominant dominante dominantie dominated overruled arrogant arrogantie neerbuigend betuttelend betutteling betuttelen belerend condescending patronising patronizing > calimero gelijkwaardig relaties",
    "randgemeente randgemeenten ommeland achtergesteld buitenspel sidelined > calimero gelijkwaardig",
    "dorpskarakter dorpsgevoel dorpskern dorpskernen eigenaardigheden mentaliteit gemeenschapszin > identiteit eigenheid",
    "opslokken opgeslokt inlijven ingelijfd annexatie annexeren swallowed absorbed takeover > identiteit zelfstandigheid herindeling",
    "opgelegd opleggen topdown dicteren gedicteerd dwang imposed forced > vrijwillig zelfstandigheid",
    "bemoeien bemoeienis bemoeizucht inmenging interfere interference meddling > rol verantwoordelijkheden",
    # local interest, rivalry, ego
    "eigenbelang parochialisme parochial navelstaren dorpspolitiek eigengereid nimby nimbyisme egocentrisch selfish > belangen geheel regionaal",
    "krentenpikken meeliften meelifter meelifters freerider freeriders > bijdrage gunnen belangen",
    "rivaliteit rivaal rivalen concurrentie concurreren concurrent concurrenten wedijver rivalry competition competing > belangen gunnen",
    "dwarsligger dwarsliggers blokkeren blokkade blokkeert veto vetorecht tegenhouden weigeren weigering obstructie blocking refuses > tegenwerken belangen gunnen",
    "profileren profilering scoren scoringsdrang imago credits credit spotlight lintjesknippen haantjes haantjesgedrag machtsspel machtsstrijd powerplay territorium territoriumdrift turf > schaduw gunnen",
    # conflict, distrust, atmosphere
    "botsing botsingen botsen clash clashes frictie friction gekibbel kibbelen gedoe tegenstelling tegenstellingen polarisatie vijandig vijandigheid tension tensions hostility > relaties conflict",
    "achterdocht achterdochtig argwaan argwanend wantrouwig scepsis sceptisch suspicious suspicion distrust mistrust > vertrouwen relaties",
    "sfeer chemie klik onderstroom > relaties vertrouwen",
    "bemiddelaar bemiddelen bemiddeling mediator mediation scheidsrechter arbiter > conflict rol",
    "geheim geheimen geheimhouding geheimzinnig secrecy secret backroom > open informeren vertrouwen",
    # informed late, council sidelined, decisions made elsewhere
    "voldongen overvallen verrast verrassing nippertje lastminute ongeinformeerd informatieachterstand late belatedly blindsided > vroegtijdig informeren betrekken",
    "hamerstuk hamerstukken stempelmachine tekenmachine achterkamertje achterkamertjes achterkamertjespolitiek gepasseerd bypassed rubberstamp > raad betrekken besluitvorming",
    "zienswijze zienswijzen zienswijzeprocedure kaderbrief kaderbrieven verlengd aandeelhoudersvergadering aandeelhouder aandeelhouders deelnemersraad > raad gemeenschappelijke regeling",
    "genegeerd negeren ignored ignoring overgeslagen > luisteren betrekken",
    # who does what, mandates
    "onduidelijk onduidelijke onduidelijkheid vaag vage vaagheid schimmig schimmige niemandsland unclear vague ambiguous ambiguity > helderheid",
    "zwartepieten afschuiven vingerwijzen vingerwijzerij aanspreekpunt blame blaming charge buck > verantwoordelijkheden rol eigenaarschap",
    "mandaat mandaten mandatering gemandateerd volmacht volmachten delegeren gedelegeerd mandated delegation > bevoegdheden rol verantwoordelijkheden",
    "petten rolvastheid rolzuiverheid rolopvatting rolverwarring dubbelrol hats > rol verantwoordelijkheden",
    "koplopers koploper kopgroep voorlopers trekker trekkers kartrekker aanjager aanjagers frontrunner frontrunners > eigenaarschap regie",
    "wirwar doolhof oerwoud kluwen spaghetti spinnenweb lappendeken ondoorzichtig ondoorzichtige onoverzichtelijk maze tangle > versnippering samenwerkingsstructuur helderheid",
    # new people, elections
    "coalitievorming collegevorming coalitieonderhandelingen verkiezingsuitslag verkiezingsprogramma campagne nieuwgekozen herverkiezing > verkiezingen collegeperiode",
    "nieuwkomer nieuwkomers nieuweling nieuwelingen aantreden aangetreden opvolger opvolgers overdracht inwerken inwerkperiode onboarding newcomer newcomers successor handover > relaties kennismaken vertrouwen",
    "inlezen ingelezen dossierkennis > lezen verdiepen",
    "werkbezoek werkbezoeken excursie excursies heidag teambuilding rondleiding > kennismaken relaties blik",
    "benchmark benchmarken benchmarking inspiratie inspiratiebron bestpractice bestpractices > blik onderzoek",
    # emergencies and lessons
    "pilot pilots proefproject proefprojecten proefperiode proeftuin proeftuinen > lessen evalueer",
    "leerpunt leerpunten leermoment leermomenten nabeschouwing terugkijken debriefing postmortem hindsight > lessen evalueer",
    "noodwet noodverordening noodbevel noodrecht noodmaatregel noodmaatregelen crisisteam crisisoverleg > nood wet crisis",
    # misunderstandings and checking
    "misinterpretatie misinterpretaties misvatting misvattingen interpretatieverschil interpretatieverschillen giswerk guesswork miscommunication misinterpreted > misverstanden aannemen nagaan",
    "afkorting afkortingen ambtenarenlatijn beleidstaal wollig wollige acroniemen acronyms > taal jargon misverstanden",
    "navragen doorvragen terugvragen terugkoppelen wederhoor recap factcheck factchecken > nagaan check",
    "teleurgesteld teleurstelling teleurstellingen disappointed disappointment onuitgesproken verwachtingsmanagement > verwachtingen helderheid",
]
