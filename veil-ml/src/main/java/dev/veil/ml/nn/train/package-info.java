/**
 * Training HE-friendly networks in the clear: {@link dev.veil.ml.nn.train.NetworkTrainer}
 * (backpropagation through convolutions, dense layers, squares, polynomial activations, pooling,
 * reshapes, affine layers and residual adds; softmax cross-entropy; Adam or momentum; results
 * independent of the thread count), its {@link dev.veil.ml.nn.train.TrainingOptions}, the
 * labelled {@link dev.veil.ml.nn.train.Examples} it learns from, and the CryptoNets / LoLa
 * network for MNIST. Uses {@code dev.veil.ml.nn}, {@code data} and {@code poly}.
 */
package dev.veil.ml.nn.train;
