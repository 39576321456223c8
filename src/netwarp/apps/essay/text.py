"""The prose of the essay tour (our own words), one entry per step of :func:`netwarp.apps.essay.tour.steps`.

Plain text; the page escapes it. ``claim`` is the statement the step's measurements test.
"""

from __future__ import annotations

from typing import TypedDict


class Section(TypedDict):
    title: str
    claim: str
    text: tuple[str, ...]


TITLE = "Neural networks, manifolds and topology — a live tour"

INTRO = (
    "Chris Olah's 2014 essay “Neural Networks, Manifolds, and Topology” looks at a network as a sequence "
    "of deformations of space: each layer bends, stretches and squashes the data until a straight line "
    "can separate the classes. Its arguments are topological — some deformations can never separate some "
    "data sets, whatever the weights. This page retells the essay's main examples with small networks "
    "that netwarp trained when the page was built. Every view is live: scrub the epoch slider to watch "
    "training, press the morph ▶ to watch one layer deform space step by step, drag 3-D panels to turn "
    "them. Under each view, the numbers test the essay's claim on these runs.",
    "How the claims are measured. A layer is reported as a homeomorphism when its weight matrix is "
    "square with non-zero determinant and its activation is one-to-one (tanh is, ReLU is not). "
    "Separability is the accuracy of a linear classifier (a linear SVM) fitted to the points in a layer's "
    "coordinates; a layer counts as linearly separable at 99 %. Stretch is the largest singular value of "
    "the Jacobian of the map from the input to a layer, taken at every data point: how much the network "
    "magnifies a tiny step in the input.",
)

SECTIONS: dict[str, Section] = {
    "curves": {
        "title": "1. Two curves, pulled apart by one hidden layer",
        "claim": "A hidden layer changes the representation so that a line can separate the classes.",
        "text": (
            "The essay starts with the simplest picture of what a hidden layer is for. The two classes lie "
            "on two curves that wind around each other, so no straight line splits them in the plane. A "
            "network with a single hidden layer of two tanh units classifies them anyway: the hidden layer "
            "moves every point to new coordinates, and there the output unit — which can only ever draw a "
            "straight line — succeeds.",
            "The panels show the input, the two hidden units and the output. Drag the epoch slider back to "
            "0: before training the curves are just as tangled in the hidden layer as in the input. Press ▶ "
            "and watch them come apart. The grey grid is the input plane, carried along by the network.",
        ),
    },
    "deformation": {
        "title": "2. One tanh layer is a continuous deformation",
        "claim": "A tanh layer with a square, non-singular weight matrix is a homeomorphism; a ReLU layer is not.",
        "text": (
            "A layer computes σ(xW + b) in three moves: a linear map x → xW (rotating, shearing, scaling, "
            "perhaps reflecting), a shift by b, and the activation applied to each coordinate on its own. "
            "The dashed morph panel walks through the three moves continuously; press its ▶ or drag the "
            "morph slider.",
            "If W is square and its determinant is not zero, the linear map can be undone, and tanh is "
            "strictly increasing, so the whole layer can be undone too: it is a homeomorphism, a continuous "
            "bending of space with a continuous inverse. It never tears space and never glues two points "
            "together, which is why the grid stays a grid (curved, but without folds). ReLU sends every "
            "negative coordinate to 0: whole regions of the plane are flattened onto the axes, and points "
            "that were apart become one. Compare the two rows.",
        ),
    },
    "interval": {
        "title": "3. One dimension: the middle of a line needs two units",
        "claim": "No network with one unit per layer separates the middle third of a line; two units do.",
        "text": (
            "The essay's one-dimensional example: class 1 is the middle third of a line, class 0 the two "
            "ends. A tanh layer with a single unit is a homeomorphism of the line — it can squeeze and "
            "stretch but keeps the points in order, so the middle stays between the two ends and no single "
            "threshold picks it out. The best it can do is give up on one end: two thirds right.",
            "With two units the line is lifted into the plane and bent into a curve (the second panel of "
            "the second row), and in the plane one straight line cuts the middle off. This is the "
            "configuration netwarp grew out of.",
        ),
    },
    "disk": {
        "title": "4. A disk inside a ring: two units are not enough, three are",
        "claim": "With 2-unit tanh layers the disk and the annulus stay inseparable; 3 units separate them.",
        "text": (
            "Now one class fills a disk and the other a ring around it. A layer of two tanh units is (almost "
            "always) a homeomorphism of the plane, and a homeomorphism cannot pull the disk out of the ring "
            "that surrounds it: the image of the ring still encloses the image of the disk. So in the hidden "
            "layer no straight line separates them, and the output, a linear classifier on that layer, "
            "must misclassify some points however long we train.",
            "With three units the hidden layer is three-dimensional, and there is room to lift the disk up "
            "out of the plane of the ring; then a plane slides between them. Drag the 3-D panel of the "
            "second row to look at it from the side.",
        ),
    },
    "easy": {
        "title": "5. The easy way out: stretching space thin",
        "claim": "Narrow networks approach an impossible separation by stretching space enormously in places.",
        "text": (
            "Stacking more 2-unit layers does not help in principle: each layer is a homeomorphism, so their "
            "composition is one too, and the ring still encloses the disk. But the loss does not care about "
            "topology, only about points. The network can squeeze the ring very thin somewhere, or stretch "
            "the gap between two of its points enormously, so that only a few points are caught on the "
            "wrong side. The essay calls this taking the easy way out.",
            "The stretch numbers below show it: in the last hidden layer a few data points are magnified far "
            "more than the typical one. The morph slider starts at the third layer: press its ▶ to watch it "
            "press the ring against the edges of the square, then scrub the epochs to see the pinch form.",
        ),
    },
    "spirals": {
        "title": "6. Two spirals",
        "claim": "Entangled but unlinked classes can be untangled by continuous deformations of the plane.",
        "text": (
            "Two spirals of one turn each. Unlike the disk and the ring, nothing topological prevents a "
            "continuous deformation of the plane from unwinding them, so even a stack of 2-unit layers can "
            "succeed — each layer turning the spiral a little further — if training finds the way. A wider "
            "network, with room in more dimensions, finds it far more reliably.",
            "In the first row every layer is 2-D, so each panel is the actual representation: follow the "
            "spiral being unwound from panel to panel.",
        ),
    },
    "tight": {
        "title": "7. Tighter spirals need width and depth",
        "claim": "Two turns take depth: one hidden layer of 16 units does not make them separable, a second can.",
        "text": (
            "Two turns each. The first hidden layer of 16 units (shown through a fixed 3-D projection) is "
            "not yet enough to make the classes separable; in the run shown, the second layer finishes the "
            "job. The seed study below says how often that happens.",
        ),
    },
    "rings": {
        "title": "8. Linked rings need a fourth dimension",
        "claim": "No layer of 3 tanh units makes two linked rings linearly separable; more dimensions can.",
        "text": (
            "Two circles linked like the links of a chain. No continuous deformation of 3-D space unlinks "
            "them, so a layer of three tanh units — a homeomorphism of 3-D space — cannot put a plane between "
            "them; some points always end up on the wrong side. In four dimensions links come apart, and a "
            "wider layer can separate the rings.",
            "Whether gradient descent finds the unlinking is another question; the measurements below say "
            "what these runs did. A network can also take the easy way out here: it gets the training "
            "points right by squeezing a thin passage between them, and then fails on test points nearby.",
            "The first row squeezes the rings into a plane with two units: any such picture of two linked "
            "rings makes them cross, so no line separates them. The 4- and 8-unit rows open on a Grand "
            "Tour of their hidden layer: press the tour's ▶ to turn the 4-D (or 8-D) space and look for the "
            "directions in which the rings have come apart.",
        ),
    },
    "manifold": {
        "title": "9. The manifold hypothesis: digits, layer by layer",
        "claim": "Each digit fills few of the 64 pixel dimensions, and the layers pull these manifolds apart.",
        "text": (
            "The manifold hypothesis says that natural data lies on low-dimensional manifolds in its "
            "high-dimensional input space, and that a network's job is to pull the manifolds of different "
            "classes apart. Here 250 of scikit-learn's 8x8 handwritten digits (64 pixels each) pass "
            "through one hidden layer of 6 tanh units to a 10-way softmax.",
            "Each panel wider than 3 is shown through a fixed PCA projection (or a Grand Tour): scrub the "
            "epochs and watch the ten colours, mixed in the input, separate in the hidden layer and the output. "
            "The measurements estimate each class's dimension and how far the classes sit apart in each layer.",
        ),
    },
    "knn": {
        "title": "10. A k-NN read-out beside the linear one",
        "claim": "A k-NN read-out works on a hidden layer that is not yet linearly separable.",
        "text": (
            "The essay ends by asking for layers that suit manifolds better, and proposes a k-nearest-"
            "neighbour layer in place of the final softmax: classify a point by the classes of its "
            "neighbours in the last representation. A linear read-out needs the classes on either side of "
            "a plane; a k-NN read-out only needs each point's neighbours to share its class.",
            "The view is the network of section 7 (two tight spirals, 16,16 tanh). Below, two read-outs are "
            "fitted to each layer's values of the training points and scored on the test points.",
        ),
    },
}

OUTRO = (
    "Everything on this page was computed by netwarp when the page was built: the networks are "
    "scikit-learn's MLP algorithm (netwarp's engine reproduces it step for step), recorded at every "
    "epoch; the views recompute every layer in your browser from the recorded weights. Reproduce the "
    "seed studies with, for example: netwarp sweep --dataset disk_annulus --hidden 2 --hidden 3 "
    "--hidden 2,2,2 --seeds 0:20 -o disk.csv -o disk.png",
)
