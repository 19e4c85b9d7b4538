"""Word lists and sentence templates the sample generator composes posts from.

Topic sentences are deliberately factual and sentiment-free ("Called QuickCart support about
order 4411 today."): the planted sentiment of a post comes only from the sentiment phrase added
to it ("worst ever 😡"), so the label is unambiguous. Templates use `{slot}` fields filled by
`text.fill_template` (see SLOT_NAMES). All names of products, companies, teams, politicians and
storms are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

LANGUAGES: tuple[str, ...] = ("en", "es", "de", "fr", "pt", "it", "nl")

TOPICS: tuple[str, ...] = (
    "product_launch",
    "customer_service",
    "sports_final",
    "election_debate",
    "storm_weather",
    "gaming_release",
    "food_recipes",
    "crypto",
)
# Topics whose signature hashtag can carry the planted volume spike (an event that "breaks").
SPIKE_TOPICS: tuple[str, ...] = (
    "sports_final",
    "storm_weather",
    "product_launch",
    "gaming_release",
    "election_debate",
)

SENTIMENTS: tuple[str, ...] = ("positive", "negative", "neutral")

SLOT_NAMES: tuple[str, ...] = ("name", "name2", "n", "big", "score", "time", "day", "wind")

# Proper nouns per topic, shared by all languages (food has per-language dishes below).
TOPIC_NAMES: Mapping[str, tuple[str, ...]] = {
    "product_launch": (
        "Nimbus X2", "Orbit Buds Pro", "Vertex Watch 5", "Lumen Pad Air", "Pulse One",
        "Kite Phone 12", "Helix Book 14", "Aero Cam Mini",
    ),
    "customer_service": (
        "QuickCart", "Skyline Air", "NorthBank", "FastFreight", "Voltic Energy", "StreamBox",
        "MetroMobile", "Parcelo",
    ),
    "sports_final": (
        "Riverside FC", "Northport United", "Harbor City", "Atletico Sol", "Red Lions",
        "Valley Rovers", "Eastgate Athletic", "Porto Azul",
    ),
    "election_debate": (
        "Senator Hale", "Governor Ortiz", "Mayor Brandt", "Rep. Okafor", "Ms. Lindqvist",
        "Mr. Duarte",
    ),
    "storm_weather": ("Storm Alder", "Storm Brianna", "Storm Caspian", "Storm Delia"),
    "gaming_release": (
        "Skyforge", "Neon Drift 2", "Hollow Crown", "Starfall Tactics", "Ember Knights",
        "Tidebound",
    ),
    "food_recipes": (
        "banana bread", "ramen", "paella", "lasagne", "sourdough", "shakshuka", "tiramisu",
        "butter chicken",
    ),
    "crypto": ("BTC", "ETH", "SOL", "DOGE", "ZORB", "Lumen Coin"),
}

FOOD_NAMES: Mapping[str, tuple[str, ...]] = {
    "en": TOPIC_NAMES["food_recipes"],
    "es": ("paella", "tortilla de patatas", "gazpacho", "croquetas", "lasaña", "bizcocho"),
    "de": ("Käsespätzle", "Apfelstrudel", "Sauerbraten", "Linsensuppe", "Zwiebelkuchen",
           "Sauerteigbrot"),
    "fr": ("ratatouille", "quiche lorraine", "bœuf bourguignon", "crêpes", "tarte tatin",
           "blanquette"),
    "pt": ("feijoada", "moqueca", "pão de queijo", "bacalhau à brás", "brigadeiro",
           "caldo verde"),
    "it": ("lasagne", "risotto ai funghi", "carbonara", "tiramisù", "focaccia", "parmigiana"),
    "nl": ("stamppot", "erwtensoep", "appeltaart", "poffertjes", "bitterballen", "hutspot"),
}

# First entry is the topic's signature hashtag ("{year}" is the year of the dataset's end date).
TOPIC_HASHTAGS: Mapping[str, tuple[str, ...]] = {
    "product_launch": ("NimbusLaunch", "LaunchDay", "NewPhone", "TechNews", "Gadgets"),
    "customer_service": ("CustomerService", "Support", "Refund", "Delivery", "Complaint"),
    "sports_final": ("CupFinal", "FinalDay", "Football", "MatchDay", "Champions"),
    "election_debate": ("Debate{year}", "Election{year}", "Debate", "Vote", "Politics"),
    "storm_weather": ("StormAlder", "Weather", "Storm", "Flooding", "WeatherAlert"),
    "gaming_release": ("Skyforge", "GameRelease", "Gaming", "NowPlaying", "PCGaming"),
    "food_recipes": ("recipe", "foodie", "homecooking", "baking", "dinner"),
    "crypto": ("crypto", "Bitcoin", "altcoins", "DeFi", "HODL"),
}

TOPIC_EMOJI: Mapping[str, tuple[str, ...]] = {
    "product_launch": ("📱", "🚀", "📦", "⌚"),
    "customer_service": ("📞", "📦", "✈️", "🧾"),
    "sports_final": ("⚽", "🏟️", "🏆", "🥅"),
    "election_debate": ("🗳️", "🎤", "📺", "🏛️"),
    "storm_weather": ("🌧️", "🌪️", "⛈️", "🌊"),
    "gaming_release": ("🎮", "🕹️", "👾", "🖥️"),
    "food_recipes": ("🍝", "🍞", "🥘", "🍰"),
    "crypto": ("📈", "📉", "💰", "🪙"),
}

# Link targets per topic (reserved example.* domains; paths are filled with a slug and number).
TOPIC_URL_BASES: Mapping[str, tuple[str, ...]] = {
    "product_launch": ("https://techdaily.example.com/reviews/", "https://shop.example.com/p/"),
    "customer_service": ("https://help.example.com/ticket/", "https://status.example.net/"),
    "sports_final": ("https://sports.example.com/live/", "https://tickets.example.org/final/"),
    "election_debate": ("https://news.example.com/politics/", "https://factcheck.example.org/"),
    "storm_weather": ("https://weather.example.com/warnings/", "https://news.example.com/uk/"),
    "gaming_release": ("https://store.example.com/app/", "https://gamesradar.example.net/"),
    "food_recipes": ("https://recipes.example.com/", "https://blog.example.org/kitchen/"),
    "crypto": ("https://charts.example.com/", "https://defi.example.net/pool/"),
}

TOPIC_SUBREDDITS: Mapping[str, tuple[str, ...]] = {
    "product_launch": ("gadgets", "technology", "Android"),
    "customer_service": ("CustomerService", "mildlyinfuriating", "legaladvice"),
    "sports_final": ("soccer", "football", "sports"),
    "election_debate": ("politics", "PoliticalDiscussion", "news"),
    "storm_weather": ("weather", "TropicalWeather", "news"),
    "gaming_release": ("gaming", "pcgaming", "Games"),
    "food_recipes": ("Cooking", "recipes", "Baking"),
    "crypto": ("CryptoCurrency", "Bitcoin", "ethereum"),
}
LANGUAGE_SUBREDDITS: Mapping[str, tuple[str, ...]] = {
    "es": ("es", "spain", "mexico", "argentina"),
    "de": ("de", "germany", "Austria"),
    "fr": ("france", "Quebec", "belgium"),
    "pt": ("brasil", "portugal"),
    "it": ("italy", "ItalyInformatica"),
    "nl": ("thenetherlands", "Netherlands", "belgium"),
}

MASTODON_LOCAL_DOMAIN = "mastodon.social"
MASTODON_DOMAINS: Mapping[str, tuple[str, ...]] = {
    "en": ("mastodon.social", "fosstodon.org", "hachyderm.io", "mastodon.online"),
    "es": ("mastodon.social", "tkz.one"),
    "de": ("chaos.social", "norden.social", "mastodon.social"),
    "fr": ("piaille.fr", "mastodon.social"),
    "pt": ("masto.pt", "mastodon.social"),
    "it": ("mastodon.uno", "mastodon.social"),
    "nl": ("mastodon.nl", "mastodon.social"),
}

# Accounts that many people mention (news desks, clubs, brands); handles of hub authors.
HUB_HANDLES: tuple[str, ...] = (
    "GlobalNewsNow", "TechPulseDaily", "SportsCentralHQ", "WeatherWatch", "PolitiDesk",
    "GameSpotlight", "KitchenStories", "CoinTickerLive", "ConsumerWatch", "BreakingWire",
)

# Coordinated campaigns: near-identical text, same link, many accounts within two minutes.
COORDINATED_CAMPAIGNS: tuple[tuple[str, str, str, str], ...] = (
    # (topic, sentiment, text template with {url}, hashtag)
    ("crypto", "positive",
     "Huge news: ZORB is giving away free tokens to early holders, claim yours before midnight "
     "love it 🚀 {url}", "ZORBairdrop"),
    ("election_debate", "negative",
     "Everyone needs to see what Governor Ortiz said off camera after the debate, absolutely "
     "disgraceful 😡 {url}", "DebateLeaks"),
    ("product_launch", "positive",
     "Just got my Nimbus X2 for half price with this code, best deal ever 😍 {url}",
     "NimbusDeal"),
)


@dataclass(frozen=True)
class LanguagePack:
    """All text material of one language."""

    topics: Mapping[str, tuple[str, ...]]
    sentiment: Mapping[str, tuple[str, ...]]
    openers: tuple[str, ...]
    fillers: tuple[str, ...]
    pii: Mapping[str, tuple[str, ...]]
    edit_notes: tuple[str, ...]
    intensifiers: tuple[str, ...]
    weekdays: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    bios: tuple[str, ...]
    cities: tuple[tuple[str, str, str, float, float], ...]  # name, country, ISO, lat, lon
    reddit_titles: tuple[str, ...]  # "{s}" is replaced by a topic sentence


EN = LanguagePack(
    topics={
        "product_launch": (
            "The {name} launch event starts at {time} today.",
            "Preorders for the {name} opened this morning.",
            "Just unboxed the {name}.",
            "They showed the {name} with a {n} hour battery and a new camera.",
            "The {name} ships in {n} days according to the store page.",
            "Spec sheet for the {name} is finally out.",
            "Watched the full keynote for the {name}.",
            "My {name} arrived on {day}.",
            "The {name} costs {big} in my country with tax.",
            "Comparing the {name} with last year's model right now.",
            "The queue outside the store for the {name} is about {big} people long.",
            "Firmware update for the {name} rolled out overnight.",
        ),
        "customer_service": (
            "Called {name} support about order {big} today.",
            "Been on hold with {name} for {n} minutes.",
            "{name} says my parcel will arrive on {day}.",
            "Second email to {name} about the refund.",
            "Chatted with an agent at {name} about my bill.",
            "{name} moved my flight by {n} hours.",
            "Tracking for my {name} delivery has not changed in {n} days.",
            "{name} asked me to reset the router again.",
            "Filed ticket number {big} with {name}.",
            "Went to the {name} store to return a charger.",
            "Got a reply from {name} after {n} hours.",
            "{name} transferred me to a third department.",
        ),
        "sports_final": (
            "{name} lead {score} at half time in the final.",
            "Kickoff for the final is at {time}.",
            "{name} scored in the {n}th minute.",
            "Watching the final with {n} friends at the pub.",
            "Penalties decide it, {name} take the first kick.",
            "The final ends {score}.",
            "{name} made {n} changes to the starting lineup.",
            "Tickets for the final sold out in {n} minutes.",
            "Extra time in the final, still {score}.",
            "Stadium is packed for {name} against {name2}.",
            "{name2} fans have been singing since {time}.",
            "Team news is out for {name}.",
        ),
        "election_debate": (
            "{name} and {name2} debate tonight at {time}.",
            "{name} talked about housing for {n} minutes.",
            "The moderators asked {name} about taxes.",
            "Fact check on {name}'s claim about {n}% unemployment.",
            "Debate viewership reportedly hit {big} thousand.",
            "{name} got the last word on healthcare.",
            "A poll after the debate has {name} at {n}%.",
            "The second debate is scheduled for {day}.",
            "{name} was asked twice about climate policy.",
            "Watched the whole debate with my family.",
            "{name2} brought up the school budget again.",
            "Transcript of the debate is online now.",
        ),
        "storm_weather": (
            "{name} is expected to make landfall around {time}.",
            "Wind gusts of {wind} km/h reported near the coast.",
            "Power has been out on our street since {time}.",
            "Schools are closed on {day} because of {name}.",
            "Rainfall total so far: {n} mm.",
            "Trains cancelled until {time} due to {name}.",
            "The weather service issued a red warning for {name}.",
            "A tree came down across the road near the station.",
            "The river is {n} cm above normal.",
            "Sandbags are being handed out at the town hall.",
            "{name} is moving north at {n} km/h.",
            "Ferries are suspended until {day}.",
        ),
        "gaming_release": (
            "{name} unlocks at {time} tonight.",
            "Downloading {name}, it's a {n} GB patch on day one.",
            "{n} hours into {name} already.",
            "Servers for {name} have a queue of {big} players.",
            "Finished the first act of {name}.",
            "Reviews for {name} are up.",
            "Streaming {name} on {day}.",
            "{name} has {big} players online right now.",
            "Patch notes for {name} just dropped.",
            "Picked the ranger class in {name}.",
            "Co-op in {name} supports {n} players.",
            "Preloading {name} tonight.",
        ),
        "food_recipes": (
            "Made {name} for dinner tonight.",
            "Trying a new {name} recipe with {n} ingredients.",
            "The {name} needs {n} minutes in the oven.",
            "Meal prepping {name} for the week.",
            "Grandma's {name} recipe is finally written down.",
            "First attempt at homemade {name}.",
            "Picked up ingredients for {name} at the market.",
            "Cooking {name} for {n} people on {day}.",
            "Swapped butter for olive oil in the {name}.",
            "Recipe for {name} in the link below.",
            "Second batch of {name} is in the oven.",
            "Used {big} g of flour for the {name}.",
        ),
        "crypto": (
            "{name} moved {n}% in the last hour.",
            "{name} is trading around {big} on the exchange.",
            "Moved my {name} to a hardware wallet.",
            "Gas fees are {n} gwei right now.",
            "The exchange paused {name} withdrawals for maintenance.",
            "{name} volume is up {n}% today.",
            "Reading the {name} whitepaper.",
            "New {name} listing goes live at {time}.",
            "Bought a little {name} on the dip.",
            "Staking rewards for {name} paid out on {day}.",
            "{name} and {name2} are moving together again.",
            "Funding rates on {name} flipped overnight.",
        ),
    },
    sentiment={
        "positive": (
            "love it 😍", "absolutely brilliant!", "so good 🙌", "best day ever 🎉",
            "10/10 would recommend", "lowkey obsessed ngl", "this slaps 🔥", "huge W 🏆",
            "can't stop smiling 😊", "amazing work, thank you! 👏", "really impressed tbh",
            "yesss finally 🥳",
        ),
        "negative": (
            "worst ever 😡", "absolutely terrible.", "so disappointed 😞", "what a joke 🙄",
            "never again.", "this is a disaster 🤬", "total rip-off.", "hate this so much",
            "ugh, waste of time 😤", "big L honestly", "fuming right now 😠",
            "awful, just awful 👎",
        ),
        "neutral": (
            "meh.", "not sure how I feel yet.", "we'll see.", "just sharing for anyone interested.",
            "anyone else following this?", "ok I guess 🤷", "no strong opinion tbh.",
            "more info later.", "noting it here for reference.", "fwiw.", "thoughts?", "hm.",
        ),
    },
    openers=("Ok so", "Honestly,", "Update:", "PSA:", "So,", "Right,", "Quick one:", "Fun fact:"),
    fillers=(
        "Anyway, back to work.", "Coffee first.", "Long day.", "Will report back later.",
        "Sending this from the bus.", "Not much else to say.", "Weekend can't come soon enough.",
        "Details in the thread.", "My cat is unimpressed.", "Still raining here.",
    ),
    pii={
        "email": (
            "Email me at {pii} if you have the same issue.", "Contact: {pii}",
            "Send the details to {pii} please.",
        ),
        "phone": (
            "Call me on {pii} if you know more.", "Their number is {pii} btw.",
            "Text {pii} for info.",
        ),
        "card": (
            "My card {pii} got charged twice.",
            "Card ending in the wrong digits, full number {pii}.",
            "Why is {pii} declined?",
        ),
        "ip": ("The server at {pii} keeps timing out.", "Blocked my IP {pii} for no reason."),
        "iban": ("Refund should go to IBAN {pii}.", "Please send it to {pii}."),
    },
    edit_notes=("EDIT: typo.", "Edit: fixed the link.", "(edited: added details)",
                "ETA: more info above."),
    intensifiers=("really", "so", "just", "totally", "honestly", "literally"),
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    first_names=(
        "James", "Emma", "Olivia", "Liam", "Noah", "Ava", "Sophia", "Mason", "Ethan", "Mia",
        "Harper", "Lucas", "Amelia", "Jack", "Grace", "Ryan", "Chloe", "Daniel", "Zoe", "Priya",
        "Aisha", "Kenji", "Tom", "Sarah",
    ),
    last_names=(
        "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Walker",
        "White", "Harris", "Martin", "Clarke", "Patel", "Nguyen", "Kim", "Murphy", "Hughes",
        "Green", "Baker",
    ),
    bios=(
        "Coffee addict.", "Dad of two.", "Runner and reader.", "Opinions my own.",
        "Software engineer.", "Football, food and travel.", "Nurse.", "Teacher, she/her.",
        "Amateur baker.", "Retired and loving it.", "Gamer since the 90s.", "Weather nerd.",
    ),
    cities=(
        ("London", "United Kingdom", "GB", 51.5074, -0.1278),
        ("Manchester", "United Kingdom", "GB", 53.4808, -2.2426),
        ("New York", "United States", "US", 40.7128, -74.006),
        ("San Francisco", "United States", "US", 37.7749, -122.4194),
        ("Chicago", "United States", "US", 41.8781, -87.6298),
        ("Toronto", "Canada", "CA", 43.6532, -79.3832),
        ("Sydney", "Australia", "AU", -33.8688, 151.2093),
        ("Dublin", "Ireland", "IE", 53.3498, -6.2603),
    ),
    reddit_titles=("{s}", "{s}", "Anyone else? {s}", "[Discussion] {s}", "Question: {s}"),
)

ES = LanguagePack(
    topics={
        "product_launch": (
            "La presentación del {name} empieza hoy a las {time}.",
            "Ya se puede reservar el {name}.",
            "Acabo de abrir la caja del {name}.",
            "Según la ficha, el {name} tiene {n} horas de batería.",
            "El {name} sale a la venta el {day}.",
            "Estoy comparando el {name} con el modelo del año pasado.",
        ),
        "customer_service": (
            "Llamé a atención al cliente de {name} por el pedido {big}.",
            "Llevo {n} minutos en espera con {name}.",
            "{name} dice que el paquete llega el {day}.",
            "Segundo correo a {name} por el reembolso.",
            "Hablé por chat con un agente de {name} sobre la factura.",
            "El envío de {name} no se mueve desde hace {n} días.",
        ),
        "sports_final": (
            "{name} gana {score} al descanso en la final.",
            "La final empieza a las {time}.",
            "Gol de {name} en el minuto {n}.",
            "Viendo la final con {n} amigos en el bar.",
            "La final termina {score}.",
            "{name} contra {name2}, estadio lleno.",
        ),
        "election_debate": (
            "{name} y {name2} debaten esta noche a las {time}.",
            "{name} habló de vivienda durante {n} minutos.",
            "Los moderadores preguntaron a {name} por los impuestos.",
            "Encuesta tras el debate: {name} con un {n}%.",
            "El segundo debate será el {day}.",
            "Vi el debate entero con mi familia.",
        ),
        "storm_weather": (
            "{name} tocará tierra hacia las {time}.",
            "Rachas de {wind} km/h en la costa.",
            "Sin luz en mi calle desde las {time}.",
            "Colegios cerrados el {day} por {name}.",
            "Llevamos {n} mm de lluvia acumulada.",
            "Alerta roja por {name} en toda la región.",
        ),
        "gaming_release": (
            "{name} se desbloquea esta noche a las {time}.",
            "Descargando {name}, parche de {n} GB el primer día.",
            "Llevo {n} horas jugando a {name}.",
            "Cola de {big} jugadores en los servidores de {name}.",
            "Terminé el primer acto de {name}.",
            "Ya salieron las notas del parche de {name}.",
        ),
        "food_recipes": (
            "Hoy cenamos {name}.",
            "Probando una receta nueva: {name} con {n} ingredientes.",
            "Receta de {name}: {n} minutos en el horno.",
            "Primer intento de {name} casero.",
            "Cocinando {name} para {n} personas el {day}.",
            "Compré los ingredientes para hacer {name} en el mercado.",
        ),
        "crypto": (
            "{name} subió un {n}% en la última hora.",
            "{name} cotiza cerca de {big} en el exchange.",
            "Pasé mis {name} a una cartera física.",
            "El exchange pausó los retiros de {name} por mantenimiento.",
            "El volumen de {name} sube un {n}% hoy.",
            "Compré un poco de {name} en la bajada.",
        ),
    },
    sentiment={
        "positive": ("¡me encanta! 😍", "increíble, de verdad 🙌", "lo mejor del año 🎉",
                     "qué maravilla", "10/10 lo recomiendo", "brutal 🔥", "súper feliz con esto 😊",
                     "genial, gracias 👏"),
        "negative": ("lo peor 😡", "qué desastre 🤬", "muy decepcionado 😞", "una vergüenza 🙄",
                     "nunca más.", "horrible, de verdad 👎", "qué estafa.", "estoy harto 😤"),
        "neutral": ("meh.", "ya veremos.", "no sé qué pensar todavía.", "lo dejo por aquí.",
                    "¿alguien más lo está siguiendo?", "bueno, normal 🤷"),
    },
    openers=("Bueno,", "A ver,", "Actualización:", "Ojo:"),
    fillers=("En fin, a trabajar.", "Primero un café.", "Día largo.", "Luego os cuento.",
             "Nada más que decir."),
    pii={
        "email": ("Escribidme a {pii} si os pasa lo mismo.", "Contacto: {pii}"),
        "phone": ("Llamad al {pii} para más info.", "Mi número es {pii}."),
        "card": ("Me cobraron dos veces en la tarjeta {pii}.",),
        "ip": ("El servidor {pii} no responde.",),
        "iban": ("El reembolso va a la cuenta {pii}.",),
    },
    edit_notes=("EDITO: errata.", "Editado: añado detalles."),
    intensifiers=("muy", "súper", "totalmente", "de verdad"),
    weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    first_names=("Lucía", "Mateo", "Sofía", "Hugo", "Martina", "Pablo", "Valentina", "Diego",
                 "Carmen", "Javier", "Camila", "Andrés"),
    last_names=("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz",
                "Díaz", "Moreno"),
    bios=("Periodista.", "Amante del café.", "Madrid.", "Opiniones propias.", "Futbolero.",
          "Cocinillas.", "Profe de mates."),
    cities=(
        ("Madrid", "Spain", "ES", 40.4168, -3.7038),
        ("Barcelona", "Spain", "ES", 41.3874, 2.1686),
        ("Ciudad de México", "Mexico", "MX", 19.4326, -99.1332),
        ("Buenos Aires", "Argentina", "AR", -34.6037, -58.3816),
        ("Bogotá", "Colombia", "CO", 4.711, -74.0721),
    ),
    reddit_titles=("{s}", "¿A alguien más le pasa? {s}", "[Debate] {s}"),
)

DE = LanguagePack(
    topics={
        "product_launch": (
            "Die Vorstellung vom {name} beginnt heute um {time}.",
            "Das {name} kann man ab heute vorbestellen.",
            "Gerade das {name} ausgepackt.",
            "Laut Datenblatt hat das {name} {n} Stunden Akkulaufzeit.",
            "Das {name} kommt am {day} in den Handel.",
            "Vergleiche gerade das {name} mit dem Vorjahresmodell.",
        ),
        "customer_service": (
            "Habe beim Kundenservice von {name} wegen Bestellung {big} angerufen.",
            "Seit {n} Minuten in der Warteschleife bei {name}.",
            "{name} sagt, das Paket kommt am {day}.",
            "Zweite Mail an {name} wegen der Erstattung.",
            "Mit einem Mitarbeiter von {name} über die Rechnung gechattet.",
            "Die Sendungsverfolgung von {name} steht seit {n} Tagen still.",
        ),
        "sports_final": (
            "{name} führt zur Halbzeit im Finale {score}.",
            "Anstoß für das Finale ist um {time}.",
            "Tor für {name} in der {n}. Minute.",
            "Schaue das Finale mit {n} Freunden in der Kneipe.",
            "Das Finale endet {score}.",
            "{name} gegen {name2}, das Stadion ist voll.",
        ),
        "election_debate": (
            "{name} und {name2} debattieren heute Abend um {time}.",
            "{name} sprach {n} Minuten über Wohnungsbau.",
            "Die Moderatoren fragten {name} nach den Steuern.",
            "Umfrage nach der Debatte: {name} bei {n} Prozent.",
            "Die zweite Debatte ist am {day}.",
            "Habe die ganze Debatte mit der Familie geschaut.",
        ),
        "storm_weather": (
            "{name} soll gegen {time} die Küste erreichen.",
            "Böen mit {wind} km/h an der Küste gemessen.",
            "Seit {time} kein Strom in unserer Straße.",
            "Die Schulen bleiben am {day} wegen {name} geschlossen.",
            "Bisher {n} mm Regen.",
            "Unwetterwarnung der höchsten Stufe wegen {name}.",
        ),
        "gaming_release": (
            "{name} wird heute um {time} freigeschaltet.",
            "Lade {name} herunter, {n} GB Day-One-Patch.",
            "Schon {n} Stunden in {name}.",
            "Warteschlange von {big} Spielern auf den Servern von {name}.",
            "Den ersten Akt von {name} beendet.",
            "Die Patchnotes zu {name} sind da.",
        ),
        "food_recipes": (
            "Heute gibt es {name} zum Abendessen.",
            "Probiere ein neues Rezept: {name} mit {n} Zutaten.",
            "Rezept für {name}: {n} Minuten im Ofen.",
            "Erster Versuch mit selbstgemachtem {name}.",
            "Koche {name} für {n} Leute am {day}.",
            "Zutaten für {name} auf dem Markt gekauft.",
        ),
        "crypto": (
            "{name} hat sich in der letzten Stunde um {n} Prozent bewegt.",
            "{name} steht an der Börse bei etwa {big}.",
            "Meine {name} auf eine Hardware-Wallet verschoben.",
            "Die Börse hat Auszahlungen von {name} wegen Wartung pausiert.",
            "Das Handelsvolumen von {name} ist heute {n} Prozent höher.",
            "Ein bisschen {name} im Dip gekauft.",
        ),
    },
    sentiment={
        "positive": ("ich liebe es 😍", "einfach großartig 🙌", "mega gut 🔥", "bester Tag ever 🎉",
                     "absolut empfehlenswert", "richtig stark 👏", "bin begeistert 😊"),
        "negative": ("das Schlimmste überhaupt 😡", "totale Katastrophe 🤬", "sehr enttäuscht 😞",
                     "was für ein Witz 🙄", "nie wieder.", "einfach furchtbar 👎",
                     "echt ärgerlich 😤"),
        "neutral": ("naja.", "mal sehen.", "weiß noch nicht, was ich davon halten soll.",
                    "nur zur Info.", "verfolgt das noch jemand?", "okay, schätze ich 🤷"),
    },
    openers=("Also,", "Kurzes Update:", "Achtung:", "Übrigens,"),
    fillers=("Egal, zurück an die Arbeit.", "Erstmal Kaffee.", "Langer Tag.",
             "Melde mich später.", "Mehr gibt es nicht zu sagen."),
    pii={
        "email": ("Schreibt mir an {pii}, falls ihr das gleiche Problem habt.", "Kontakt: {pii}"),
        "phone": ("Ruft mich unter {pii} an.", "Die Hotline ist {pii}."),
        "card": ("Meine Karte {pii} wurde doppelt belastet.",),
        "ip": ("Der Server {pii} antwortet nicht.",),
        "iban": ("Bitte an die IBAN {pii} überweisen.",),
    },
    edit_notes=("EDIT: Tippfehler.", "Nachtrag: Details ergänzt."),
    intensifiers=("echt", "total", "wirklich", "einfach"),
    weekdays=("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    first_names=("Lukas", "Anna", "Leon", "Lea", "Felix", "Marie", "Jonas", "Sophie", "Paul",
                 "Hannah", "Jürgen", "Katrin"),
    last_names=("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                "Hoffmann", "Schäfer"),
    bios=("Ingenieurin.", "Kaffeejunkie.", "Berlin.", "Meine Meinung.", "Fußballfan.",
          "Hobbykoch.", "Lehrer."),
    cities=(
        ("Berlin", "Germany", "DE", 52.52, 13.405),
        ("München", "Germany", "DE", 48.1351, 11.582),
        ("Hamburg", "Germany", "DE", 53.5511, 9.9937),
        ("Wien", "Austria", "AT", 48.2082, 16.3738),
        ("Zürich", "Switzerland", "CH", 47.3769, 8.5417),
    ),
    reddit_titles=("{s}", "Geht es nur mir so? {s}", "[Diskussion] {s}"),
)

FR = LanguagePack(
    topics={
        "product_launch": (
            "La présentation du {name} commence aujourd'hui à {time}.",
            "Les précommandes du {name} sont ouvertes.",
            "Je viens de déballer le {name}.",
            "D'après la fiche, le {name} tient {n} heures sur batterie.",
            "Le {name} sort en magasin {day}.",
            "Je compare le {name} avec le modèle de l'an dernier.",
        ),
        "customer_service": (
            "J'ai appelé le service client de {name} pour la commande {big}.",
            "En attente avec {name} depuis {n} minutes.",
            "{name} dit que le colis arrive {day}.",
            "Deuxième mail à {name} pour le remboursement.",
            "Discussion avec un conseiller de {name} au sujet de la facture.",
            "Le suivi de {name} ne bouge plus depuis {n} jours.",
        ),
        "sports_final": (
            "{name} mène {score} à la mi-temps de la finale.",
            "Coup d'envoi de la finale à {time}.",
            "But de {name} à la {n}e minute.",
            "Je regarde la finale avec {n} amis au bar.",
            "La finale se termine sur le score de {score}.",
            "{name} contre {name2}, le stade est plein.",
        ),
        "election_debate": (
            "{name} et {name2} débattent ce soir à {time}.",
            "{name} a parlé du logement pendant {n} minutes.",
            "Les journalistes ont interrogé {name} sur les impôts.",
            "Sondage après le débat : {name} à {n} %.",
            "Le deuxième débat aura lieu {day}.",
            "J'ai regardé tout le débat en famille.",
        ),
        "storm_weather": (
            "{name} doit toucher la côte vers {time}.",
            "Rafales à {wind} km/h sur le littoral.",
            "Plus d'électricité dans ma rue depuis {time}.",
            "Écoles fermées {day} à cause de {name}.",
            "Déjà {n} mm de pluie.",
            "Vigilance rouge pour {name} dans toute la région.",
        ),
        "gaming_release": (
            "{name} se débloque ce soir à {time}.",
            "Je télécharge {name}, patch de {n} Go dès le premier jour.",
            "Déjà {n} heures sur {name}.",
            "File d'attente de {big} joueurs sur les serveurs de {name}.",
            "J'ai fini le premier acte de {name}.",
            "Les notes de patch de {name} viennent de sortir.",
        ),
        "food_recipes": (
            "Ce soir c'est {name}.",
            "J'essaie une nouvelle recette : {name} avec {n} ingrédients.",
            "Recette de {name} : {n} minutes au four.",
            "Premier essai de {name} fait maison.",
            "Je cuisine {name} pour {n} personnes {day}.",
            "Acheté les ingrédients pour faire {name} au marché.",
        ),
        "crypto": (
            "{name} a bougé de {n} % en une heure.",
            "{name} s'échange autour de {big} sur la plateforme.",
            "J'ai transféré mes {name} sur un portefeuille physique.",
            "La plateforme a suspendu les retraits de {name} pour maintenance.",
            "Le volume de {name} est en hausse de {n} % aujourd'hui.",
            "J'ai acheté un peu de {name} pendant la baisse.",
        ),
    },
    sentiment={
        "positive": ("j'adore 😍", "vraiment génial 🙌", "trop bien 🔥", "le meilleur jour 🎉",
                     "je recommande à 100 %", "bravo, super boulot 👏", "trop content 😊"),
        "negative": ("le pire 😡", "quelle catastrophe 🤬", "très déçu 😞", "quelle blague 🙄",
                     "plus jamais.", "franchement nul 👎", "ça m'énerve 😤"),
        "neutral": ("bof.", "on verra.", "je ne sais pas encore quoi en penser.",
                    "je partage pour info.", "quelqu'un d'autre suit ça ?", "ok, pourquoi pas 🤷"),
    },
    openers=("Bon,", "Petite mise à jour :", "Attention :", "Alors,"),
    fillers=("Bref, retour au travail.", "D'abord un café.", "Longue journée.",
             "Je vous tiens au courant.", "Rien d'autre à dire."),
    pii={
        "email": ("Écrivez-moi à {pii} si vous avez le même souci.", "Contact : {pii}"),
        "phone": ("Appelez le {pii} pour plus d'infos.", "Mon numéro : {pii}"),
        "card": ("Ma carte {pii} a été débitée deux fois.",),
        "ip": ("Le serveur {pii} ne répond plus.",),
        "iban": ("Le remboursement doit aller sur l'IBAN {pii}.",),
    },
    edit_notes=("EDIT : faute de frappe.", "Modifié : détails ajoutés."),
    intensifiers=("vraiment", "trop", "carrément", "franchement"),
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    first_names=("Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel",
                 "Inès", "Théo", "Élodie", "Mathieu"),
    last_names=("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                "Leroy", "Moreau"),
    bios=("Journaliste.", "Accro au café.", "Lyon.", "Avis perso.", "Fan de foot.",
          "Cuisinier amateur.", "Prof."),
    cities=(
        ("Paris", "France", "FR", 48.8566, 2.3522),
        ("Lyon", "France", "FR", 45.764, 4.8357),
        ("Marseille", "France", "FR", 43.2965, 5.3698),
        ("Bruxelles", "Belgium", "BE", 50.8503, 4.3517),
        ("Montréal", "Canada", "CA", 45.5017, -73.5673),
    ),
    reddit_titles=("{s}", "Je suis le seul ? {s}", "[Discussion] {s}"),
)

PT = LanguagePack(
    topics={
        "product_launch": (
            "O lançamento do {name} começa hoje às {time}.",
            "A pré-venda do {name} abriu hoje de manhã.",
            "Acabei de abrir a caixa do {name}.",
            "Segundo a ficha técnica, o {name} tem {n} horas de bateria.",
            "O {name} chega às lojas {day}.",
            "Comparando o {name} com o modelo do ano passado.",
        ),
        "customer_service": (
            "Liguei para o atendimento da {name} sobre o pedido {big}.",
            "Estou há {n} minutos esperando na linha da {name}.",
            "A {name} diz que a encomenda chega {day}.",
            "Segundo e-mail para a {name} sobre o reembolso.",
            "Falei no chat com um atendente da {name} sobre a fatura.",
            "O rastreio da {name} está parado há {n} dias.",
        ),
        "sports_final": (
            "{name} vence por {score} no intervalo da final.",
            "A final começa às {time}.",
            "Gol do {name} aos {n} minutos.",
            "Assistindo à final com {n} amigos no bar.",
            "A final termina {score}.",
            "{name} contra {name2}, estádio lotado.",
        ),
        "election_debate": (
            "{name} e {name2} debatem hoje às {time}.",
            "{name} falou sobre moradia por {n} minutos.",
            "Os mediadores perguntaram a {name} sobre impostos.",
            "Pesquisa depois do debate: {name} com {n}%.",
            "O segundo debate será {day}.",
            "Assisti ao debate inteiro com a família.",
        ),
        "storm_weather": (
            "{name} deve chegar à costa por volta das {time}.",
            "Rajadas de {wind} km/h no litoral.",
            "Sem luz na minha rua desde as {time}.",
            "Escolas fechadas {day} por causa da {name}.",
            "Já são {n} mm de chuva acumulada.",
            "Alerta vermelho para {name} em toda a região.",
        ),
        "gaming_release": (
            "{name} libera hoje às {time}.",
            "Baixando {name}, patch de {n} GB no primeiro dia.",
            "Já são {n} horas de {name}.",
            "Fila de {big} jogadores nos servidores de {name}.",
            "Terminei o primeiro ato de {name}.",
            "Saíram as notas do patch de {name}.",
        ),
        "food_recipes": (
            "Hoje o jantar é {name}.",
            "Testando uma receita nova: {name} com {n} ingredientes.",
            "Receita de {name}: {n} minutos no forno.",
            "Primeira tentativa de {name} caseiro.",
            "Fazendo {name} para {n} pessoas {day}.",
            "Comprei os ingredientes para fazer {name} na feira.",
        ),
        "crypto": (
            "{name} subiu {n}% na última hora.",
            "{name} está sendo negociado perto de {big} na corretora.",
            "Passei meus {name} para uma carteira física.",
            "A corretora pausou saques de {name} para manutenção.",
            "O volume de {name} subiu {n}% hoje.",
            "Comprei um pouco de {name} na queda.",
        ),
    },
    sentiment={
        "positive": ("amei 😍", "incrível demais 🙌", "muito bom 🔥", "melhor dia 🎉",
                     "recomendo muito", "parabéns, excelente 👏", "tô muito feliz 😊"),
        "negative": ("o pior de todos 😡", "que desastre 🤬", "muito decepcionado 😞", "que piada 🙄",
                     "nunca mais.", "horrível 👎", "tô revoltado 😤"),
        "neutral": ("sei lá.", "vamos ver.", "ainda não sei o que achar.", "só compartilhando.",
                    "mais alguém acompanhando?", "ok, normal 🤷"),
    },
    openers=("Então,", "Atualização:", "Atenção:", "Gente,"),
    fillers=("Enfim, voltando ao trabalho.", "Primeiro um café.", "Dia longo.",
             "Depois eu conto.", "Nada mais a dizer."),
    pii={
        "email": ("Me escrevam em {pii} se tiverem o mesmo problema.", "Contato: {pii}"),
        "phone": ("Liguem para {pii} para saber mais.", "Meu número é {pii}."),
        "card": ("Meu cartão {pii} foi cobrado duas vezes.",),
        "ip": ("O servidor {pii} não responde.",),
        "iban": ("O reembolso vai para o IBAN {pii}.",),
    },
    edit_notes=("EDIT: erro de digitação.", "Editado: mais detalhes."),
    intensifiers=("muito", "super", "demais", "realmente"),
    weekdays=("na segunda", "na terça", "na quarta", "na quinta", "na sexta", "no sábado",
              "no domingo"),
    first_names=("João", "Maria", "Pedro", "Ana", "Gabriel", "Beatriz", "Rafael", "Júlia",
                 "Miguel", "Larissa"),
    last_names=("Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues",
                "Almeida", "Ferreira"),
    bios=("Jornalista.", "Viciado em café.", "São Paulo.", "Opiniões próprias.", "Torcedor.",
          "Cozinheira amadora."),
    cities=(
        ("São Paulo", "Brazil", "BR", -23.5505, -46.6333),
        ("Rio de Janeiro", "Brazil", "BR", -22.9068, -43.1729),
        ("Lisboa", "Portugal", "PT", 38.7223, -9.1393),
        ("Porto", "Portugal", "PT", 41.1579, -8.6291),
    ),
    reddit_titles=("{s}", "Só eu? {s}", "[Discussão] {s}"),
)

IT = LanguagePack(
    topics={
        "product_launch": (
            "La presentazione del {name} inizia oggi alle {time}.",
            "Sono aperti i preordini del {name}.",
            "Ho appena aperto la scatola del {name}.",
            "Secondo la scheda, il {name} ha {n} ore di batteria.",
            "Il {name} arriva nei negozi {day}.",
            "Sto confrontando il {name} con il modello dell'anno scorso.",
        ),
        "customer_service": (
            "Ho chiamato l'assistenza di {name} per l'ordine {big}.",
            "Sono in attesa con {name} da {n} minuti.",
            "{name} dice che il pacco arriva {day}.",
            "Seconda email a {name} per il rimborso.",
            "Ho parlato in chat con un operatore di {name} della bolletta.",
            "Il tracciamento di {name} è fermo da {n} giorni.",
        ),
        "sports_final": (
            "{name} in vantaggio {score} all'intervallo della finale.",
            "Il calcio d'inizio della finale è alle {time}.",
            "Gol del {name} al {n}° minuto.",
            "Guardo la finale con {n} amici al bar.",
            "La finale finisce {score}.",
            "{name} contro {name2}, stadio pieno.",
        ),
        "election_debate": (
            "{name} e {name2} si confrontano stasera alle {time}.",
            "{name} ha parlato di casa per {n} minuti.",
            "I moderatori hanno chiesto a {name} delle tasse.",
            "Sondaggio dopo il dibattito: {name} al {n}%.",
            "Il secondo dibattito sarà {day}.",
            "Ho visto tutto il dibattito con la famiglia.",
        ),
        "storm_weather": (
            "{name} dovrebbe arrivare sulla costa verso le {time}.",
            "Raffiche a {wind} km/h sulla costa.",
            "Senza corrente nella mia via dalle {time}.",
            "Scuole chiuse {day} per {name}.",
            "Finora {n} mm di pioggia.",
            "Allerta rossa per {name} in tutta la regione.",
        ),
        "gaming_release": (
            "{name} si sblocca stasera alle {time}.",
            "Sto scaricando {name}, patch da {n} GB al day one.",
            "Già {n} ore su {name}.",
            "Coda di {big} giocatori sui server di {name}.",
            "Finito il primo atto di {name}.",
            "Sono uscite le note della patch di {name}.",
        ),
        "food_recipes": (
            "Stasera si mangia {name}.",
            "Provo una ricetta nuova: {name} con {n} ingredienti.",
            "Ricetta di {name}: {n} minuti in forno.",
            "Primo tentativo di {name} fatto in casa.",
            "Preparo {name} per {n} persone {day}.",
            "Comprato gli ingredienti per {name} al mercato.",
        ),
        "crypto": (
            "{name} si è mosso del {n}% nell'ultima ora.",
            "{name} scambia intorno a {big} sull'exchange.",
            "Ho spostato i miei {name} su un wallet hardware.",
            "L'exchange ha sospeso i prelievi di {name} per manutenzione.",
            "Il volume di {name} è salito del {n}% oggi.",
            "Ho comprato un po' di {name} sul ribasso.",
        ),
    },
    sentiment={
        "positive": ("lo adoro 😍", "davvero fantastico 🙌", "bellissimo 🔥", "giornata top 🎉",
                     "lo consiglio a tutti", "bravi, ottimo lavoro 👏"),
        "negative": ("il peggiore di sempre 😡", "che disastro 🤬", "molto deluso 😞",
                     "che vergogna 🙄", "mai più.", "terribile 👎"),
        "neutral": ("mah.", "vedremo.", "non so ancora cosa pensare.", "lo condivido per info.",
                    "qualcun altro lo segue?", "ok, normale 🤷"),
    },
    openers=("Allora,", "Aggiornamento:", "Attenzione:", "Dunque,"),
    fillers=("Comunque, torno al lavoro.", "Prima un caffè.", "Giornata lunga.",
             "Vi aggiorno dopo.", "Nient'altro da dire."),
    pii={
        "email": ("Scrivetemi a {pii} se avete lo stesso problema.", "Contatto: {pii}"),
        "phone": ("Chiamate il {pii} per informazioni.",),
        "card": ("La mia carta {pii} è stata addebitata due volte.",),
        "ip": ("Il server {pii} non risponde.",),
        "iban": ("Il rimborso va sull'IBAN {pii}.",),
    },
    edit_notes=("EDIT: refuso.", "Modificato: aggiunti dettagli."),
    intensifiers=("davvero", "proprio", "veramente", "super"),
    weekdays=("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    first_names=("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Sara",
                 "Alessandro", "Elena", "Davide"),
    last_names=("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
                "Ricci", "Marino"),
    bios=("Giornalista.", "Caffeinomane.", "Milano.", "Opinioni mie.", "Tifoso.",
          "Cuoco per passione."),
    cities=(
        ("Roma", "Italy", "IT", 41.9028, 12.4964),
        ("Milano", "Italy", "IT", 45.4642, 9.19),
        ("Napoli", "Italy", "IT", 40.8518, 14.2681),
    ),
    reddit_titles=("{s}", "Solo io? {s}", "[Discussione] {s}"),
)

NL = LanguagePack(
    topics={
        "product_launch": (
            "De presentatie van de {name} begint vandaag om {time}.",
            "Je kunt de {name} nu pre-orderen.",
            "Net de {name} uitgepakt.",
            "Volgens de specificaties gaat de {name} {n} uur mee op een lading.",
            "De {name} ligt vanaf {day} in de winkel.",
            "Ik vergelijk de {name} met het model van vorig jaar.",
        ),
        "customer_service": (
            "De klantenservice van {name} gebeld over bestelling {big}.",
            "Al {n} minuten in de wacht bij {name}.",
            "{name} zegt dat het pakket op {day} komt.",
            "Tweede mail naar {name} over de terugbetaling.",
            "Gechat met een medewerker van {name} over de factuur.",
            "De track-and-trace van {name} staat al {n} dagen stil.",
        ),
        "sports_final": (
            "{name} staat bij rust {score} voor in de finale.",
            "De aftrap van de finale is om {time}.",
            "Doelpunt van {name} in de {n}e minuut.",
            "Kijk de finale met {n} vrienden in de kroeg.",
            "De finale eindigt in {score}.",
            "{name} tegen {name2}, het stadion zit vol.",
        ),
        "election_debate": (
            "{name} en {name2} debatteren vanavond om {time}.",
            "{name} sprak {n} minuten over woningbouw.",
            "De moderatoren vroegen {name} naar belastingen.",
            "Peiling na het debat: {name} op {n} procent.",
            "Het tweede debat is op {day}.",
            "Het hele debat met de familie gekeken.",
        ),
        "storm_weather": (
            "{name} bereikt rond {time} de kust.",
            "Windstoten van {wind} km/u aan de kust.",
            "Sinds {time} geen stroom in onze straat.",
            "Scholen dicht op {day} vanwege {name}.",
            "Al {n} mm regen gevallen.",
            "Code rood voor {name} in de hele regio.",
        ),
        "gaming_release": (
            "{name} wordt vanavond om {time} ontgrendeld.",
            "{name} aan het downloaden, {n} GB day-one patch.",
            "Al {n} uur in {name}.",
            "Wachtrij van {big} spelers op de servers van {name}.",
            "Het eerste hoofdstuk van {name} uitgespeeld.",
            "De patch notes van {name} zijn uit.",
        ),
        "food_recipes": (
            "Vanavond eten we {name}.",
            "Nieuw recept geprobeerd: {name} met {n} ingrediënten.",
            "Recept voor {name}: {n} minuten in de oven.",
            "Eerste poging zelfgemaakte {name}.",
            "Ik kook {name} voor {n} mensen op {day}.",
            "Ingrediënten voor {name} op de markt gehaald.",
        ),
        "crypto": (
            "{name} bewoog {n} procent in het laatste uur.",
            "{name} staat rond {big} op de exchange.",
            "Mijn {name} naar een hardware wallet gezet.",
            "De exchange heeft opnames van {name} gepauzeerd voor onderhoud.",
            "Het volume van {name} is vandaag {n} procent hoger.",
            "Een beetje {name} gekocht in de dip.",
        ),
    },
    sentiment={
        "positive": ("echt geweldig 😍", "super goed 🙌", "top 🔥", "beste dag ooit 🎉",
                     "echt een aanrader", "knap gedaan 👏"),
        "negative": ("het ergste ooit 😡", "wat een ramp 🤬", "heel teleurgesteld 😞",
                     "wat een grap 🙄", "nooit meer.", "echt slecht 👎"),
        "neutral": ("tja.", "we zullen zien.", "weet nog niet wat ik ervan vind.", "even ter info.",
                    "volgt iemand anders dit ook?", "oké, prima 🤷"),
    },
    openers=("Nou,", "Update:", "Let op:", "Dus,"),
    fillers=("Goed, weer aan het werk.", "Eerst koffie.", "Lange dag.", "Ik laat later meer weten.",
             "Verder niks te melden."),
    pii={
        "email": ("Mail me op {pii} als je hetzelfde probleem hebt.", "Contact: {pii}"),
        "phone": ("Bel {pii} voor meer info.",),
        "card": ("Mijn kaart {pii} is twee keer belast.",),
        "ip": ("De server {pii} reageert niet.",),
        "iban": ("Terugbetaling graag naar IBAN {pii}.",),
    },
    edit_notes=("EDIT: typfout.", "Aangepast: details toegevoegd."),
    intensifiers=("echt", "heel", "super", "gewoon"),
    weekdays=("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    first_names=("Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Bram", "Sanne", "Joris",
                 "Fleur"),
    last_names=("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
                "Meijer", "de Boer"),
    bios=("Journalist.", "Koffieverslaafd.", "Utrecht.", "Mijn mening.", "Voetbalfan.",
          "Hobbykok."),
    cities=(
        ("Amsterdam", "Netherlands", "NL", 52.3676, 4.9041),
        ("Rotterdam", "Netherlands", "NL", 51.9244, 4.4777),
        ("Utrecht", "Netherlands", "NL", 52.0907, 5.1214),
        ("Antwerpen", "Belgium", "BE", 51.2194, 4.4025),
    ),
    reddit_titles=("{s}", "Alleen ik? {s}", "[Discussie] {s}"),
)

LANGUAGE_PACKS: Mapping[str, LanguagePack] = {
    "en": EN, "es": ES, "de": DE, "fr": FR, "pt": PT, "it": IT, "nl": NL,
}
